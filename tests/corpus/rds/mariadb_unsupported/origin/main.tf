provider "aws" {
  region = "us-east-2"
}

resource "aws_db_instance" "shop" {
  identifier          = "shop-${var.instance_id}"
  engine              = "mariadb"
  engine_version      = "10.11.6"
  instance_class      = "db.t3.medium"
  allocated_storage   = 20
  username            = "shop"
  password            = var.db_password
  skip_final_snapshot = true
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

output "shop_db_endpoint" {
  value = aws_db_instance.shop.endpoint
}

output "shop_db_port" {
  value = aws_db_instance.shop.port
}
