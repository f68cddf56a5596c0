# RDS Proxy for MySQL: DigitalOcean pools only PostgreSQL; clients reach the cluster.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_instance" "app" {
  identifier          = "app-${var.instance_id}"
  engine              = "mysql"
  engine_version      = "8.0.39"
  instance_class      = "db.t3.medium"
  allocated_storage   = 20
  username            = "admin"
  password            = var.db_password
  skip_final_snapshot = true
}

resource "aws_db_proxy" "app" {
  name          = "app-proxy-${var.instance_id}"
  engine_family = "MYSQL"
  role_arn      = "arn:aws:iam::123456789012:role/rds-proxy"
  vpc_subnet_ids = ["subnet-0123456789abcdef0"]

  auth {
    auth_scheme = "SECRETS"
    secret_arn  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app"
  }
}

resource "aws_db_proxy_default_target_group" "app" {
  db_proxy_name = aws_db_proxy.app.name
}

resource "aws_db_proxy_target" "app" {
  db_instance_identifier = aws_db_instance.app.identifier
  db_proxy_name          = aws_db_proxy.app.name
  target_group_name      = aws_db_proxy_default_target_group.app.name
}

output "proxy_endpoint" {
  value = aws_db_proxy.app.endpoint
}
