variable "container_environment" {
  type    = map(string)
  default = null
}

# No default: its names are only known when the stack is applied.
variable "worker_environment" {
  type = map(string)
}

variable "database_password" {
  type      = string
  sensitive = true
}

locals {
  database_username        = "metadata"
  database_name            = "ipfs"
  split_database_host_port = split(":", aws_db_instance.database.endpoint)

  container_environment = coalesce(
    var.container_environment,
    {
      "POSTGRES_HOST"     = local.split_database_host_port[0]
      "POSTGRES_USER"     = local.database_username
      "POSTGRES_DB"       = local.database_name
      "POSTGRES_PASSWORD" = var.database_password
      "POSTGRES_PORT"     = local.split_database_host_port[1]
    }
  )
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

      environment = toset([
        for key, value in local.container_environment : {
          name  = key
          value = value
        }
      ])
    },
    {
      name      = "worker"
      essential = false
      image     = "ghcr.io/dukeofgaming/ipfs-metadata:1.0.0"
      command   = ["worker"]

      environment = [for k, v in var.worker_environment : { name = k, value = v }]
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
