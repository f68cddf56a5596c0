# The database password drawn by Secrets Manager, stored in a secret and given to the database
# and the instance's user data through a local (known gap #98, shape of
# p-calvino/wordpress-on-aws-with-terraform). DigitalOcean generates the cluster's password: the
# secret and the user data read it, and the generator is absorbed into the database.
data "aws_secretsmanager_random_password" "wordpress_db" {
  password_length    = 25
  exclude_characters = "/@\"\\'`"
}

resource "aws_secretsmanager_secret" "wordpress_db" {
  name                    = "DB-Wordpress-Password"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "wordpress_db" {
  secret_id     = aws_secretsmanager_secret.wordpress_db.id
  secret_string = data.aws_secretsmanager_random_password.wordpress_db.random_password
  lifecycle {
    ignore_changes = [secret_string]
  }
}

locals {
  db_password = aws_secretsmanager_secret_version.wordpress_db.secret_string
  db_endpoint = aws_db_instance.wordpress_db.address
}

resource "aws_db_instance" "wordpress_db" {
  allocated_storage = 20
  identifier        = "wordpress-db-${var.instance_id}"
  db_name           = "wordpress"
  engine            = "mysql"
  engine_version    = "8.0"
  instance_class    = "db.t3.medium"
  username          = "admin"
  password          = local.db_password
}

resource "aws_instance" "wp" {
  ami           = "ami-123"
  instance_type = "t3.small"
  user_data = templatefile("${path.module}/user_data.sh", {
    db_password = local.db_password
    db_host     = local.db_endpoint
  })
}

variable "instance_id" {
  type = string
}
