# The ECS cluster is shared and created elsewhere; this stack only adds services to it.
provider "aws" {
  region = "ap-southeast-2"
}

variable "cluster_arn" {
  type    = string
  default = "arn:aws:ecs:ap-southeast-2:123456789012:cluster/shared"
}

variable "services" {
  type = map(object({ cpu = number, memory = number, count = number, image = string }))
  default = {
    web    = { cpu = 512, memory = 1024, count = 3, image = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/wayne/web:8.1" }
    search = { cpu = 4096, memory = 8192, count = 2, image = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/wayne/search:8.1" }
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.services.web.cpu
  memory                   = var.services.web.memory
  container_definitions = jsonencode([{
    name         = "web"
    image        = var.services.web.image
    portMappings = [{ containerPort = 8080 }]
  }])
}

resource "aws_ecs_task_definition" "search" {
  family                   = "search"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.services.search.cpu
  memory                   = var.services.search.memory
  container_definitions = jsonencode([{
    name         = "search"
    image        = var.services.search.image
    portMappings = [{ containerPort = 9200 }, { containerPort = 9300 }]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = var.services.web.count
  launch_type     = "FARGATE"
}

resource "aws_ecs_service" "search" {
  name            = "search"
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.search.arn
  desired_count   = var.services.search.count
  launch_type     = "FARGATE"
}
