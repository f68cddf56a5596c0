# LukaK/blog-resources (building-a-portable-fastapi-backend…/infra/ecs/3-ecs.tf): the registry
# ECS service module with its container keyed by an expression, `(var.container_name) = { … }`.
variable "instance_id" {
  type = string
}

variable "container_name" {
  type    = string
  default = "ecs-api"
}

variable "container_port" {
  type    = number
  default = 80
}

module "ecs_cluster" {
  source  = "terraform-aws-modules/ecs/aws//modules/cluster"
  version = "5.12.1"

  cluster_name = "api-${var.instance_id}"
}

module "ecs_service" {
  source = "terraform-aws-modules/ecs/aws//modules/service"

  name        = "ecs-demo"
  cluster_arn = module.ecs_cluster.arn
  cpu         = 1024
  memory      = 4096

  container_definitions = {
    (var.container_name) = {
      cpu       = 512
      memory    = 1024
      essential = true
      image     = "ghcr.io/acme/api:1.4.2"
      port_mappings = [
        {
          name          = var.container_name
          containerPort = var.container_port
          protocol      = "tcp"
        }
      ]
      readonly_root_filesystem = false
    }
  }
}
