provider "aws" {
  region = "ap-southeast-2"
}

variable "instance_id" {
  type = string
}

variable "redis_auth_token" {
  type      = string
  sensitive = true
}

resource "aws_elasticache_parameter_group" "cache" {
  name   = "cache-${var.instance_id}"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }

  parameter {
    name  = "timeout"
    value = "300"
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache-${var.instance_id}"
  description                = "Application cache"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.r6g.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  parameter_group_name       = aws_elasticache_parameter_group.cache.name
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  auth_token                 = var.redis_auth_token
  maintenance_window         = "wed:04:00-wed:05:00"

  tags = {
    Service = "cache"
  }
}

output "cache_primary" {
  value = aws_elasticache_replication_group.cache.primary_endpoint_address
}

output "cache_reader" {
  value = aws_elasticache_replication_group.cache.reader_endpoint_address
}

output "cache_port" {
  value = aws_elasticache_replication_group.cache.port
}
