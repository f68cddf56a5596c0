provider "aws" {
  region = "us-east-1"
}

variable "web_container_definitions" {
  description = "Container definitions of the web task, as JSON"
  type        = string
  default     = <<EOT
[
  {
    "name": "web",
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/web:1.9",
    "cpu": 256,
    "memory": 512,
    "portMappings": [{ "containerPort": 8000 }],
    "environment": [{ "name": "MODE", "value": "compress" }, { "name": "WORKERS", "value": 4 }]
  }
]
EOT
}

variable "workers" {
  type = list(object({
    name    = string
    image   = string
    command = list(string)
  }))
  default = [
    { name = "thumbnailer", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/worker:1.9", command = ["thumbs"] },
    { name = "indexer", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/worker:1.9", command = ["index", "--all"] },
  ]
}

resource "aws_ecs_cluster" "main" {
  name = "pied-${var.instance_id}"
}

resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = var.web_container_definitions
}

resource "aws_ecs_task_definition" "workers" {
  family                   = "workers"
  requires_compatibilities = ["FARGATE"]
  cpu                      = 1024
  memory                   = 2048
  container_definitions    = jsonencode(var.workers)
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
}

resource "aws_ecs_service" "workers" {
  name            = "workers"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.workers.arn
  desired_count   = 1
}
