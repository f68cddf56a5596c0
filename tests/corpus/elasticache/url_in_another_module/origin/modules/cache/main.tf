resource "aws_elasticache_cluster" "redis" {
  cluster_id      = "todo-redis"
  engine          = "redis"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
  engine_version  = "7.0"
  port            = 6379
}

output "redis_host" {
  value = aws_elasticache_cluster.redis.cache_nodes[0].address
}
