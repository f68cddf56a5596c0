# Connection strings that write the origin's port after the database's host: DigitalOcean
# chooses the cluster's port (25060 for PostgreSQL, 25061 for Valkey), so the literal port
# reads the cluster's. A port that is not the database's (a pooler's 6432) stays as written.
resource "aws_db_instance" "db" {
  identifier                  = "app-${var.instance_id}"
  engine                      = "postgres"
  engine_version              = "16"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  db_name                     = "app"
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache-${var.instance_id}"
  description          = "sessions"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}

locals {
  database_url = "postgresql://app@${aws_db_instance.db.address}:5432/app?sslmode=require"
}

output "database_url" {
  value = local.database_url
}

output "redis_url" {
  value = "redis://${aws_elasticache_replication_group.cache.primary_endpoint_address}:6379/0"
}

output "pooler_url" {
  value = "postgresql://app@${aws_db_instance.db.address}:6432/app"
}

variable "instance_id" {
  type = string
}
