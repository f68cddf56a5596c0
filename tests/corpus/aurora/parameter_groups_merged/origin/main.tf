provider "aws" {
  region = "us-west-2"
}

# Aurora MySQL with a cluster and an instance parameter group: one config for the cluster.
resource "aws_rds_cluster_parameter_group" "cluster" {
  name   = "events-cluster"
  family = "aurora-mysql8.0"

  parameter {
    name  = "innodb_lock_wait_timeout"
    value = "20"
  }

  parameter {
    name  = "aurora_parallel_query"
    value = "OFF"
  }

  parameter {
    name  = "long_query_time"
    value = "2"
  }
}

resource "aws_db_parameter_group" "instance" {
  name   = "events-instance"
  family = "aurora-mysql8.0"

  parameter {
    name  = "long_query_time"
    value = "1"
  }

  parameter {
    name  = "slow_query_log"
    value = "ON"
  }
}

resource "aws_rds_cluster" "events" {
  cluster_identifier              = "events"
  engine                          = "aurora-mysql"
  engine_version                  = "8.0.mysql_aurora.3.05.2"
  master_username                 = "events"
  master_password                 = "change-me-please"
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.cluster.name
  skip_final_snapshot             = true
}

resource "aws_rds_cluster_instance" "events" {
  count                   = 2
  identifier              = "events-${count.index}"
  cluster_identifier      = aws_rds_cluster.events.id
  instance_class          = "db.r6g.large"
  engine                  = aws_rds_cluster.events.engine
  db_parameter_group_name = aws_db_parameter_group.instance.name
}
