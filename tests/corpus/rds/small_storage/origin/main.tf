# After BeeQuantAI/terraform-EKS-BorisM: a small PostgreSQL instance with 5 GiB of storage,
# less than DigitalOcean sizes are likely to offer. The reference data has no per-size storage
# ranges, so the value is carried over (5120 MiB) and the report says precisely what to check.

provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "app" {
  identifier          = "app-${var.instance_id}"
  engine              = "postgres"
  engine_version      = "15"
  instance_class      = "db.t3.micro"
  allocated_storage   = 5
  db_name             = "app"
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
}

output "db_host" {
  value = aws_db_instance.app.address
}
