# Between-As/between-aws (modules/aurora): the port variable of the cluster is also what an
# SSM parameter hands the application; DigitalOcean chooses the cluster's port.
variable "aurora_postgres_port" {
  type    = string
  default = "5432"
}

variable "instance_id" {
  type = string
}

resource "aws_rds_cluster" "pg" {
  cluster_identifier  = "pg-${var.instance_id}"
  engine              = "aurora-postgresql"
  engine_version      = "16.4"
  port                = var.aurora_postgres_port
  master_username     = "master"
  skip_final_snapshot = true
}

resource "aws_rds_cluster_instance" "pg" {
  identifier         = "pg-${var.instance_id}-1"
  cluster_identifier = aws_rds_cluster.pg.id
  instance_class     = "db.t3.medium"
  engine             = aws_rds_cluster.pg.engine
}

output "postgres_port" {
  value = var.aurora_postgres_port
}

output "postgres_version" {
  value = aws_rds_cluster.pg.engine_version
}
