terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
}

resource "aws_db_instance" "app" {
  identifier          = "${var.app_name}-${var.instance_id}"
  engine              = "postgres"
  engine_version      = var.postgres_version
  instance_class      = var.db_instance_class
  allocated_storage   = var.db_storage_gb
  multi_az            = var.ha
  db_name             = var.app_name
  skip_final_snapshot = true
}

output "app_db" {
  value = "${aws_db_instance.app.address}:${aws_db_instance.app.port}"
}
