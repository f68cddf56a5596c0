variable "master_username" {
  type = string
}

variable "master_password" {
  type      = string
  sensitive = true
}

variable "db_name" {
  type = string
}

resource "aws_rds_cluster" "cloudacademy" {
  cluster_identifier  = "cloudacademy"
  engine              = "aurora-mysql"
  engine_version      = "8.0.mysql_aurora.3.08.0"
  master_username     = var.master_username
  master_password     = var.master_password
  database_name       = var.db_name
  skip_final_snapshot = true
}

resource "aws_rds_cluster_instance" "cloudacademy" {
  cluster_identifier = aws_rds_cluster.cloudacademy.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.cloudacademy.engine
}

output "db_endpoint" {
  value = aws_rds_cluster.cloudacademy.endpoint
}
