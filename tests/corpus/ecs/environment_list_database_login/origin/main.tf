variable "database_password" {
  type      = string
  sensitive = true
}

locals {
  database_username = "metadata"
  database_name     = "ipfs"
}

resource "aws_db_instance" "database" {
  identifier        = "ipfs-metadata"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  db_name           = local.database_name
  username          = local.database_username
  password          = var.database_password
}

resource "aws_ecs_cluster" "main" {
  name = "ipfs-metadata"
}

resource "aws_ecs_task_definition" "this" {
  family                   = "ipfs-metadata"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "app"
      essential    = true
      image        = "ghcr.io/dukeofgaming/ipfs-metadata:1.0.0"
      portMappings = [{ containerPort = 8080, hostPort = 8080 }]
      environment = [
        { name = "POSTGRES_HOST", value = aws_db_instance.database.address },
        { name = "POSTGRES_USER", value = local.database_username },
        { name = "POSTGRES_PASSWORD", value = var.database_password },
        { name = "POSTGRES_DB", value = local.database_name },
      ]
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-1"]
  }
}
