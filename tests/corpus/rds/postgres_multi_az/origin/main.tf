provider "aws" {
  region = "eu-central-1"
}

locals {
  name = "billing-${var.instance_id}"
  tags = {
    Service     = "billing"
    Environment = var.environment
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags = merge(local.tags, {
    Name = local.name
  })
}

resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = element(["eu-central-1a", "eu-central-1b"], count.index)
}

resource "aws_db_subnet_group" "db" {
  name       = "${local.name}-db"
  subnet_ids = aws_subnet.db[*].id
}

resource "aws_db_parameter_group" "pg16" {
  name   = "${local.name}-pg16"
  family = "postgres16"

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_instance" "main" {
  identifier            = local.name
  engine                = "postgres"
  engine_version        = "16.4"
  instance_class        = "db.m6g.large"
  multi_az              = true
  allocated_storage     = 100
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = "billing"
  username = "billing_app"
  password = var.db_password

  db_subnet_group_name    = aws_db_subnet_group.db.name
  parameter_group_name    = aws_db_parameter_group.pg16.name
  backup_retention_period = 14
  backup_window           = "03:00-04:00"
  maintenance_window      = "sun:05:00-sun:06:00"
  deletion_protection     = true
  skip_final_snapshot     = false

  tags = local.tags
}

output "database_url" {
  value     = "postgres://${aws_db_instance.main.username}:${aws_db_instance.main.password}@${aws_db_instance.main.endpoint}/${aws_db_instance.main.db_name}"
  sensitive = true
}

output "db_address" {
  value = aws_db_instance.main.address
}

output "db_port" {
  value = aws_db_instance.main.port
}

output "db_arn" {
  value = aws_db_instance.main.arn
}
