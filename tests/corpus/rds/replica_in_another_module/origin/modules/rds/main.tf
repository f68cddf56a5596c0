variable "instance_id" {
  type = string
}

resource "aws_db_instance" "main" {
  identifier          = "shop-${var.instance_id}"
  engine              = "postgres"
  engine_version      = "16.4"
  instance_class      = "db.m5.large"
  allocated_storage   = 20
  skip_final_snapshot = true
}

locals {
  arn = aws_db_instance.main.arn
}

output "arn" {
  value = local.arn
}

output "identifier" {
  value = aws_db_instance.main.identifier
}
