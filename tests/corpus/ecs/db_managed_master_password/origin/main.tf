# RDS manages the master password (`manage_master_user_password`); the tasks read it from the
# secret RDS writes, through a local, and the user name from the cluster. On DigitalOcean the
# cluster's admin user and generated password go into one Kubernetes Secret the pods read: no
# sensitive variable to guess at deploy time.
locals {
  db_secret_arn = aws_rds_cluster.main.master_user_secret[0].secret_arn
}

resource "aws_rds_cluster" "main" {
  cluster_identifier          = "passly-aurora"
  engine                      = "aurora-postgresql"
  engine_version              = "17.4"
  database_name               = "passly"
  master_username             = "passly"
  manage_master_user_password = true
  skip_final_snapshot         = true
}

resource "aws_rds_cluster_instance" "main" {
  cluster_identifier = aws_rds_cluster.main.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.main.engine
}

resource "aws_ecs_cluster" "main" {
  name = "passly"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "passly-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([{
    name      = "api"
    image     = "ghcr.io/example/passly-api:1.0.0"
    essential = true
    environment = [
      { name = "DB_HOST", value = aws_rds_cluster.main.endpoint },
      { name = "DB_USER", value = aws_rds_cluster.main.master_username },
    ]
    secrets = [{
      name      = "DB_PASSWORD"
      valueFrom = "${local.db_secret_arn}:password::"
    }]
  }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "passly-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name      = "migrate"
    image     = "ghcr.io/example/passly-migrate:1.0.0"
    essential = true
    secrets = [
      { name = "DB_USER", valueFrom = "${aws_rds_cluster.main.master_user_secret[0].secret_arn}:username::" },
      { name = "DB_PASSWORD", valueFrom = "${aws_rds_cluster.main.master_user_secret[0].secret_arn}:password::" },
    ]
  }])
}
