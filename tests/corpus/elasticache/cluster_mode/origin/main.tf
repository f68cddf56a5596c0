provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

resource "aws_elasticache_parameter_group" "cluster" {
  name   = "leaderboard-${var.instance_id}"
  family = "valkey8"

  parameter {
    name  = "cluster-enabled"
    value = "yes"
  }

  parameter {
    name  = "maxmemory-policy"
    value = "volatile-lfu"
  }
}

resource "aws_elasticache_replication_group" "leaderboard" {
  replication_group_id       = "leaderboard-${var.instance_id}"
  description                = "Sharded leaderboard"
  engine                     = "valkey"
  engine_version             = "8.0"
  node_type                  = "cache.m6g.large"
  num_node_groups            = 3
  replicas_per_node_group    = 1
  automatic_failover_enabled = true
  parameter_group_name       = aws_elasticache_parameter_group.cluster.name
  transit_encryption_enabled = true
}

output "leaderboard_endpoint" {
  value = aws_elasticache_replication_group.leaderboard.configuration_endpoint_address
}

output "leaderboard_port" {
  value = aws_elasticache_replication_group.leaderboard.port
}
