provider "aws" {
  region = "eu-west-2"
}

variable "instance_id" {
  type = string
}

resource "aws_db_option_group" "mysql" {
  name                     = "wordpress-${var.instance_id}"
  option_group_description = "WordPress MySQL options"
  engine_name              = "mysql"
  major_engine_version     = "5.7"

  option {
    option_name = "MARIADB_AUDIT_PLUGIN"
  }
}

resource "aws_db_instance" "wordpress" {
  identifier          = "wordpress-${var.instance_id}"
  engine              = "mysql"
  engine_version      = "5.7.44"
  instance_class      = "db.t3.medium"
  allocated_storage   = 30
  db_name             = "wordpress"
  username            = "wp_admin"
  password            = "change-me-please"
  option_group_name   = aws_db_option_group.mysql.name
  publicly_accessible = false
  port                = 3306
  skip_final_snapshot = true
}

output "wordpress_db_host" {
  value = aws_db_instance.wordpress.address
}

output "wordpress_db_port" {
  value = aws_db_instance.wordpress.port
}

output "wordpress_db_name" {
  value = aws_db_instance.wordpress.db_name
}
