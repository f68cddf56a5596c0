provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "replica_count" {
  type    = number
  default = 2
}

resource "aws_db_instance" "primary" {
  identifier              = "catalog-${var.instance_id}"
  engine                  = "postgres"
  engine_version          = "17.2"
  instance_class          = "db.m5.xlarge"
  allocated_storage       = 200
  backup_retention_period = 7
  username                = "catalog"
  password                = var.db_password
  skip_final_snapshot     = true
}

resource "aws_db_instance" "replica" {
  count               = var.replica_count
  identifier          = "catalog-replica-${count.index}-${var.instance_id}"
  replicate_source_db = aws_db_instance.primary.identifier
  instance_class      = "db.m5.large"
  skip_final_snapshot = true
}

variable "db_password" {
  type      = string
  sensitive = true
}

output "primary_endpoint" {
  value = aws_db_instance.primary.endpoint
}

output "replica_hosts" {
  value = aws_db_instance.replica[*].address
}

output "replica_port" {
  value = aws_db_instance.replica[0].port
}
