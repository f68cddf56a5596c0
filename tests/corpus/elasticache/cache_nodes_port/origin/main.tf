# deptagency/mastodon-terraform-aws-ecs (modules/mastodon/data.tf): the port of the cache's
# first node, read with a legacy index, beside its address.
variable "base_name" {
  default = "mastodon"
}

resource "aws_elasticache_cluster" "mastodon" {
  cluster_id      = var.base_name
  engine          = "redis"
  node_type       = "cache.t3.micro"
  port            = 6379
  num_cache_nodes = 1
  engine_version  = "7.0"
}

locals {
  redis_host = aws_elasticache_cluster.mastodon.cache_nodes.0.address
  redis_port = aws_elasticache_cluster.mastodon.cache_nodes.0.port
}

output "redis_host" {
  value = local.redis_host
}

output "redis_port" {
  value = tostring(local.redis_port)
}

output "first_node_port" {
  value = aws_elasticache_cluster.mastodon.cache_nodes[0].port
}

output "first_node_zone" {
  value = aws_elasticache_cluster.mastodon.cache_nodes[0].availability_zone
}
