provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_instance" "main" {
  identifier          = "crm-${var.instance_id}"
  engine              = "mysql"
  engine_version      = "8.0.39"
  instance_class      = "db.r5.large"
  allocated_storage   = 100
  multi_az            = true
  db_name             = "crm"
  skip_final_snapshot = true
}

resource "aws_db_instance" "reporting" {
  identifier          = "crm-reporting-${var.instance_id}"
  replicate_source_db = aws_db_instance.main.arn
  instance_class      = "db.r5.large"
  allocated_storage   = 100
  skip_final_snapshot = true

  tags = {
    Role = "reporting"
  }
}

variable "instance_id" {
  type = string
}

output "writer_endpoint" {
  value = aws_db_instance.main.endpoint
}

output "reporting_endpoint" {
  value = aws_db_instance.reporting.endpoint
}

output "reporting_port" {
  value = aws_db_instance.reporting.port
}
