# An RDS instance and an ElastiCache cluster share a name (their AWS namespaces differ); on
# DigitalOcean both are database clusters, whose names are unique in the account: the second
# gets its Terraform name appended (the shape of examples/modular-stack's database and cache).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

resource "aws_db_instance" "app" {
  identifier        = "shop-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t3.medium"
  allocated_storage = 20
  username          = "shop"
  password          = "not-used-on-digitalocean"
}

resource "aws_elasticache_cluster" "sessions" {
  cluster_id      = "shop-${var.instance_id}"
  engine          = "redis"
  node_type       = "cache.t3.small"
  num_cache_nodes = 1
}

output "cache_host" {
  value = aws_elasticache_cluster.sessions.cache_nodes[0].address
}
