variable "vpc_id" {}
variable "app_sg_id" {}
variable "allowed_group_ids" {
  type = list(string)
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = var.vpc_id

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [var.app_sg_id]
  }
}

resource "aws_security_group_rule" "replicas" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  source_security_group_id = var.app_sg_id
}

resource "aws_security_group" "cache" {
  name   = "cache"
  vpc_id = var.vpc_id

  ingress {
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = var.allowed_group_ids
  }
}

resource "aws_db_instance" "db" {
  identifier             = "app-db"
  engine                 = "postgres"
  engine_version         = "16"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "app"
  password               = "changeme123"
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_elasticache_cluster" "cache" {
  cluster_id         = "app-cache"
  engine             = "redis"
  node_type          = "cache.t3.micro"
  num_cache_nodes    = 1
  security_group_ids = [aws_security_group.cache.id]
}
