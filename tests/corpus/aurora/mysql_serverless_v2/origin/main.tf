provider "aws" {
  region = "ca-central-1"
}

variable "instance_id" {
  type = string
}

resource "random_password" "master" {
  length  = 32
  special = false
}

resource "aws_rds_cluster" "app" {
  cluster_identifier  = "app-${var.instance_id}"
  engine              = "aurora-mysql"
  engine_mode         = "provisioned"
  engine_version      = "8.0.mysql_aurora.3.05.2"
  database_name       = "app"
  master_username     = "admin"
  master_password     = random_password.master.result
  skip_final_snapshot = true

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 16
  }
}

resource "aws_rds_cluster_instance" "app" {
  identifier         = "app-${var.instance_id}-1"
  cluster_identifier = aws_rds_cluster.app.id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.app.engine
  engine_version     = aws_rds_cluster.app.engine_version
}

output "mysql_endpoint" {
  value = aws_rds_cluster.app.endpoint
}

output "mysql_port" {
  value = aws_rds_cluster.app.port
}

output "mysql_dsn" {
  value     = "mysql://${aws_rds_cluster.app.master_username}:${aws_rds_cluster.app.master_password}@${aws_rds_cluster.app.endpoint}:${aws_rds_cluster.app.port}/${aws_rds_cluster.app.database_name}"
  sensitive = true
}
