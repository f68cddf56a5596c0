# No `engine` (the AWS provider's default is `aurora`, MySQL-compatible), but a PostgreSQL
# `engine_version`: the version says what was meant, so the cluster is PostgreSQL 16, with a
# warning naming the missing argument.
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "aurora-postgresql"
  engine_mode         = "provisioned"
  engine_version      = "16.1"
  database_name       = "ecommerce"
  master_username     = "postgres"
  skip_final_snapshot = true

  serverlessv2_scaling_configuration {
    max_capacity = 1.0
    min_capacity = 0.5
  }
}

resource "aws_rds_cluster_instance" "main" {
  cluster_identifier = aws_rds_cluster.main.id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.main.engine
  engine_version     = aws_rds_cluster.main.engine_version
}
