# aleRizzolo/terraform-examples (aws/modules/cache): ElastiCache Serverless, read through
# `endpoint` as a whole and by element.
provider "aws" {
  region = "eu-south-1"
}

resource "aws_elasticache_serverless_cache" "redis_cache" {
  engine = "redis"
  name   = "skinner-redis-cluster"

  cache_usage_limits {
    data_storage {
      minimum = 1
      maximum = 10
      unit    = "GB"
    }

    ecpu_per_second {
      minimum = 1000
      maximum = 5000
    }
  }

  daily_snapshot_time      = "09:00"
  major_engine_version     = "7"
  snapshot_retention_limit = 1
}

output "cache_endpoint" {
  value = aws_elasticache_serverless_cache.redis_cache.endpoint
}

output "redis_url" {
  value = "rediss://${aws_elasticache_serverless_cache.redis_cache.endpoint[0].address}:${aws_elasticache_serverless_cache.redis_cache.endpoint[0].port}"
}
