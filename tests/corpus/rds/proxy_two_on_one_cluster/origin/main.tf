# Two RDS Proxies in front of one Aurora PostgreSQL cluster, one with password (secret)
# authentication and one requiring IAM authentication (shape of
# localstack-samples/rds-proxy-terraform-sample terraform/main.tf): the two connection pools
# share the cluster's backend connections, so each gets half, and the IAM one is reported
# (sweep 13 #214, #215).
variable "instance_id" {
  type = string
}

resource "aws_rds_cluster" "db" {
  cluster_identifier  = "dogs-${var.instance_id}"
  engine              = "aurora-postgresql"
  engine_version      = "15.3"
  database_name       = "dogs"
  master_username     = "lambda_user"
  master_password     = "supersecurepassword"
  skip_final_snapshot = true
}

resource "aws_rds_cluster_instance" "db" {
  cluster_identifier = aws_rds_cluster.db.id
  instance_class     = "db.t3.medium"
  engine             = "aurora-postgresql"
}

resource "aws_db_proxy" "secret" {
  name          = "dogs-secret-${var.instance_id}"
  engine_family = "POSTGRESQL"
  role_arn      = "arn:aws:iam::123456789012:role/rds-proxy"

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "DISABLED"
    secret_arn  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dogs"
  }
}

resource "aws_db_proxy_default_target_group" "secret" {
  db_proxy_name = aws_db_proxy.secret.name
}

resource "aws_db_proxy_target" "secret" {
  db_proxy_name         = aws_db_proxy.secret.name
  target_group_name     = aws_db_proxy_default_target_group.secret.name
  db_cluster_identifier = aws_rds_cluster.db.id
}

resource "aws_db_proxy" "iam" {
  name          = "dogs-iam-${var.instance_id}"
  engine_family = "POSTGRESQL"
  role_arn      = "arn:aws:iam::123456789012:role/rds-proxy"

  auth {
    iam_auth   = "REQUIRED"
    secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dogs"
  }
}

resource "aws_db_proxy_default_target_group" "iam" {
  db_proxy_name = aws_db_proxy.iam.name
}

resource "aws_db_proxy_target" "iam" {
  db_proxy_name         = aws_db_proxy.iam.name
  target_group_name     = aws_db_proxy_default_target_group.iam.name
  db_cluster_identifier = aws_rds_cluster.db.id
}

output "secret_proxy_endpoint" {
  value = aws_db_proxy.secret.endpoint
}

output "iam_proxy_endpoint" {
  value = aws_db_proxy.iam.endpoint
}
