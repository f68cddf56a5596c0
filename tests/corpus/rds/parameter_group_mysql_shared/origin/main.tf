provider "aws" {
  region = "us-east-1"
}

# One group for two instances: each DigitalOcean cluster gets its own config.
resource "aws_db_parameter_group" "mysql" {
  name   = "shop-mysql80"
  family = "mysql8.0"

  parameter {
    name  = "sql_mode"
    value = "strict_trans_tables,no_engine_substitution"
  }

  parameter {
    name  = "long_query_time"
    value = "0.5"
  }

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "max_allowed_packet"
    value = "67108864"
  }

  parameter {
    name  = "time_zone"
    value = "Europe/Berlin"
  }

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name  = "wait_timeout"
    value = "28800"
  }
}

resource "aws_db_instance" "catalog" {
  identifier           = "catalog"
  engine               = "mysql"
  engine_version       = "8.0.39"
  instance_class       = "db.t3.small"
  allocated_storage    = 20
  username             = "admin"
  password             = "change-me-please"
  parameter_group_name = aws_db_parameter_group.mysql.name
  skip_final_snapshot  = true
}

resource "aws_db_instance" "orders" {
  identifier           = "orders"
  engine               = "mysql"
  engine_version       = "8.0.39"
  instance_class       = "db.t3.small"
  allocated_storage    = 20
  username             = "admin"
  password             = "change-me-please"
  parameter_group_name = aws_db_parameter_group.mysql.name
  skip_final_snapshot  = true
}
