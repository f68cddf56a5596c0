# The cache's group admits 6379 from anywhere in the account's default VPC (looked up, not part of
# the stack): on AWS an ElastiCache cluster has no public endpoint, so only that VPC reaches it. A
# DigitalOcean database always has a public endpoint and the stack declares no VPC to narrow to,
# so the firewall admits the appliance's own droplets and Kubernetes nodes (its instance tag).
data "aws_vpc" "default" {
  default = true
}

resource "aws_security_group" "redis" {
  name   = "redis-${var.instance_id}"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_elasticache_cluster" "redis" {
  cluster_id         = "todo-${var.instance_id}"
  engine             = "redis"
  node_type          = "cache.t3.micro"
  num_cache_nodes    = 1
  engine_version     = "7.0"
  security_group_ids = [aws_security_group.redis.id]
}

variable "instance_id" {
  type = string
}
