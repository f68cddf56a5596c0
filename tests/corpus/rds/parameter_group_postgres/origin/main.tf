provider "aws" {
  region = "eu-west-1"
}

variable "lock_timeout_ms" {
  type    = number
  default = 2000
}

resource "aws_db_parameter_group" "pg" {
  name   = "orders-pg16"
  family = "postgres16"

  # Carried: milliseconds on both sides.
  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  # Carried: kB on RDS, MB on DigitalOcean.
  parameter {
    name  = "work_mem"
    value = "65536"
  }

  parameter {
    name  = "track_io_timing"
    value = "1"
  }

  parameter {
    name  = "pg_stat_statements.track"
    value = "ALL"
  }

  # Not carried: no counterpart.
  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements,pg_cron"
    apply_method = "pending-reboot"
  }

  # Not carried: an RDS formula.
  parameter {
    name         = "max_connections"
    value        = "LEAST({DBInstanceClassMemory/9531392},5000)"
    apply_method = "pending-reboot"
  }

  # Not carried: a Terraform expression.
  parameter {
    name  = "deadlock_timeout"
    value = var.lock_timeout_ms
  }

  # Not carried: outside DigitalOcean's range (1..20).
  parameter {
    name  = "autovacuum_max_workers"
    value = "32"
  }
}

resource "aws_db_instance" "orders" {
  identifier           = "orders"
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t4g.medium"
  allocated_storage    = 50
  db_name              = "orders"
  username             = "orders"
  password             = "change-me-please"
  parameter_group_name = aws_db_parameter_group.pg.name
  skip_final_snapshot  = true
}
