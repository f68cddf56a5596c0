# A generated Redis AUTH token: DigitalOcean generates the cluster's password, so the generator
# is absorbed and what read it (the output) reads the cluster's password.
resource "random_password" "redis" {
  length  = 32
  special = false
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache-${var.instance_id}"
  description                = "sessions"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  transit_encryption_enabled = true
  auth_token                 = random_password.redis.result
}

output "redis_url" {
  value     = "rediss://:${random_password.redis.result}@${aws_elasticache_replication_group.cache.primary_endpoint_address}:6379"
  sensitive = true
}

variable "instance_id" {
  type = string
}
