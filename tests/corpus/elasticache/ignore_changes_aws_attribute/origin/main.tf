resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "app-redis"
  description          = "cache"
  engine               = "redis"
  node_type            = "cache.t3.micro"
  num_cache_clusters   = 1
  auth_token           = "0123456789abcdef0123"

  lifecycle {
    ignore_changes = [auth_token]
  }
}
