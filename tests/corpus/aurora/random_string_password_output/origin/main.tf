# Between-As/between-aws (modules/aurora): a random_string is the master password, and an
# output prints it as "the password"; DigitalOcean generates the password instead.
provider "aws" {
  region = "eu-north-1"
}

variable "instance_id" {
  type = string
}

resource "random_string" "master_password" {
  length  = 24
  special = false
}

resource "aws_rds_cluster" "pg" {
  cluster_identifier  = "pg-${var.instance_id}"
  engine              = "aurora-postgresql"
  engine_version      = "16.4"
  master_username     = "master"
  master_password     = random_string.master_password.result
  skip_final_snapshot = true
}

resource "aws_rds_cluster_instance" "pg" {
  count              = 2
  identifier         = "pg-${var.instance_id}-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.pg.id
  instance_class     = "db.t3.medium"
  engine             = aws_rds_cluster.pg.engine
}

output "aurora_user" {
  value = aws_rds_cluster.pg.master_username
}

output "aurora_password" {
  value = random_string.master_password.result
}
