# Samuelking011/laravel-with-terraform (ecs.tf): a heredoc task definition whose environment is
# `${jsonencode(concat(local.env_vars, local.worker_role))}`, the local listing values that read
# the database and the cache: the container gets every variable, values as written.
variable "instance_id" {
  type = string
}

resource "random_password" "db" {
  length  = 16
  special = false
}

resource "aws_db_instance" "main" {
  identifier        = "app-${var.instance_id}"
  engine            = "mysql"
  engine_version    = "8.0.34"
  instance_class    = "db.t3.micro"
  allocated_storage = 10
  db_name           = "app"
  username          = "root"
  password          = random_password.db.result
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "app-${var.instance_id}"
  description          = "cache"
  engine               = "redis"
  node_type            = "cache.t4g.micro"
}

locals {
  env_vars = [
    { "name" : "QUEUE_CONNECTION", "value" : "redis" },
    { "name" : "REDIS_HOST", "value" : "${aws_elasticache_replication_group.cache.primary_endpoint_address}" },
    { "name" : "DB_HOST", "value" : "${aws_db_instance.main.address}" },
    { "name" : "DB_USERNAME", "value" : "${aws_db_instance.main.username}" },
    { "name" : "DB_PASSWORD", "value" : "${random_password.db.result}" }
  ]

  worker_role = [
    { "name" : "CONTAINER_ROLE", "value" : "worker" }
  ]
}

resource "aws_ecs_cluster" "main" {
  name = "app-${var.instance_id}"
}

resource "aws_ecs_task_definition" "worker" {
  container_definitions = <<DEFINITION
  [
    {
      "name": "php",
      "image": "chynkm/laravel-ecs:latest",
      "essential": true,
      "environment": ${jsonencode(concat(local.env_vars, local.worker_role))},
      "memory": 512,
      "cpu": 256
    }
  ]
  DEFINITION

  family                   = "app-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  memory                   = "512"
  cpu                      = "256"
}

resource "aws_ecs_service" "worker" {
  name            = "app-worker"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.worker.arn
  launch_type     = "FARGATE"
  desired_count   = 1
}
