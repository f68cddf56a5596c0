provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

resource "aws_db_instance" "db" {
  identifier          = "orders-${var.instance_id}"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  skip_final_snapshot = true

  tags = {
    Name = "orders"
  }
}

output "db_endpoint" {
  value = aws_db_instance.db.endpoint
}

output "db_host" {
  value = aws_db_instance.db.address
}

output "db_port" {
  value = aws_db_instance.db.port
}
