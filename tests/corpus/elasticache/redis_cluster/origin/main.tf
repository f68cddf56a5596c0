provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = "sessions-${var.instance_id}"
  }
}

resource "aws_subnet" "cache" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

resource "aws_elasticache_subnet_group" "sessions" {
  name       = "sessions-${var.instance_id}"
  subnet_ids = [aws_subnet.cache.id]
}

resource "aws_elasticache_cluster" "sessions" {
  cluster_id           = "sessions-${var.instance_id}"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t3.micro"
  num_cache_nodes      = 1
  parameter_group_name = "default.redis7"
  port                 = 6379
  subnet_group_name    = aws_elasticache_subnet_group.sessions.name
  maintenance_window   = "mon:02:00-mon:03:00"
  snapshot_retention_limit = 1
}

output "redis_host" {
  value = aws_elasticache_cluster.sessions.cache_nodes[0].address
}

output "redis_port" {
  value = aws_elasticache_cluster.sessions.port
}

output "redis_url" {
  value = "redis://${aws_elasticache_cluster.sessions.cache_nodes[0].address}:${aws_elasticache_cluster.sessions.port}"
}
