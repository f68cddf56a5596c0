provider "aws" {
  region = "us-east-1"
}

locals {
  name = "ledger-${var.instance_id}"
}

resource "aws_vpc" "this" {
  cidr_block = "10.40.0.0/16"
  tags = {
    Name = local.name
  }
}

resource "aws_subnet" "private" {
  count      = 3
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet("10.40.0.0/16", 4, count.index)
}

resource "aws_db_subnet_group" "aurora" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_rds_cluster_parameter_group" "aurora" {
  name   = "${local.name}-cluster"
  family = "aurora-postgresql15"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier              = local.name
  engine                          = "aurora-postgresql"
  engine_version                  = "15.4"
  database_name                   = "ledger"
  master_username                 = "ledger_admin"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.aurora.name
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.aurora.name
  preferred_maintenance_window    = "tue:03:30-tue:04:30"
  backup_retention_period         = 7
  storage_encrypted               = true
  skip_final_snapshot             = true
}

resource "aws_rds_cluster_instance" "ledger" {
  count                = 2
  identifier           = "${local.name}-${count.index}"
  cluster_identifier   = aws_rds_cluster.ledger.id
  instance_class       = "db.r6g.large"
  engine               = aws_rds_cluster.ledger.engine
  engine_version       = aws_rds_cluster.ledger.engine_version
  db_subnet_group_name = aws_db_subnet_group.aurora.name
  performance_insights_enabled = true
}

output "writer_endpoint" {
  value = aws_rds_cluster.ledger.endpoint
}

output "reader_endpoint" {
  value = aws_rds_cluster.ledger.reader_endpoint
}

output "port" {
  value = aws_rds_cluster.ledger.port
}

output "instance_endpoints" {
  value = aws_rds_cluster_instance.ledger[*].endpoint
}
