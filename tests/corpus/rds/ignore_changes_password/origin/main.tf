resource "random_password" "db" {
  length  = 24
  special = false
}

resource "aws_db_instance" "main" {
  identifier        = "orders-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t3.medium"
  allocated_storage = 20
  db_name           = "orders"
  username          = "orders"
  password          = random_password.db.result

  # `password` is an argument on AWS; on DigitalOcean only the provider sets it.
  lifecycle {
    ignore_changes  = [password, engine_version]
    prevent_destroy = true
  }
}

variable "instance_id" {
  type = string
}
