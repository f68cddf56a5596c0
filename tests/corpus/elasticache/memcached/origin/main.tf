provider "aws" {
  region = "eu-north-1"
}

resource "aws_elasticache_cluster" "fragments" {
  cluster_id           = "fragments-${var.instance_id}"
  engine               = "memcached"
  node_type            = "cache.m5.large"
  num_cache_nodes      = 3
  az_mode              = "cross-az"
  parameter_group_name = "default.memcached1.6"
  port                 = 11211
}

variable "instance_id" {
  type = string
}

output "memcached_config_endpoint" {
  value = aws_elasticache_cluster.fragments.configuration_endpoint
}

output "memcached_host" {
  value = aws_elasticache_cluster.fragments.cluster_address
}

output "memcached_port" {
  value = aws_elasticache_cluster.fragments.port
}
