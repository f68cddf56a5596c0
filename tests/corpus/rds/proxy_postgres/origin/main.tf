# RDS Proxy in front of Aurora PostgreSQL, read by a Lambda (shape of
# kenerry-serain/not-so-simple-ecommerce-iac terraform/serverless).
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}

resource "aws_db_subnet_group" "this" {
  name       = "shop-${var.instance_id}"
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_rds_cluster" "this" {
  cluster_identifier          = "shop-${var.instance_id}"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  database_name               = "shop"
  master_username             = "shop"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.this.name
  skip_final_snapshot         = true
}

resource "aws_rds_cluster_instance" "this" {
  cluster_identifier = aws_rds_cluster.this.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.this.engine
}

resource "aws_db_proxy" "this" {
  name                = "shop-proxy-${var.instance_id}"
  engine_family       = "POSTGRESQL"
  idle_client_timeout = 300
  require_tls         = true
  role_arn            = "arn:aws:iam::123456789012:role/rds-proxy"
  vpc_subnet_ids      = aws_subnet.private[*].id

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "DISABLED"
    secret_arn  = aws_rds_cluster.this.master_user_secret[0].secret_arn
  }
}

resource "aws_db_proxy_default_target_group" "main" {
  db_proxy_name = aws_db_proxy.this.name

  connection_pool_config {
    connection_borrow_timeout    = 120
    max_connections_percent      = 50
    max_idle_connections_percent = 50
  }
}

resource "aws_db_proxy_target" "rds" {
  db_cluster_identifier = aws_rds_cluster.this.cluster_identifier
  db_proxy_name         = aws_db_proxy.this.name
  target_group_name     = aws_db_proxy_default_target_group.main.name
}

resource "aws_db_proxy_endpoint" "read_only" {
  db_proxy_name          = aws_db_proxy.this.name
  db_proxy_endpoint_name = "shop-readonly-${var.instance_id}"
  vpc_subnet_ids         = aws_subnet.private[*].id
  target_role            = "READ_ONLY"
}

output "proxy_endpoint" {
  value = aws_db_proxy.this.endpoint
}

output "proxy_read_only_endpoint" {
  value = aws_db_proxy_endpoint.read_only.endpoint
}
