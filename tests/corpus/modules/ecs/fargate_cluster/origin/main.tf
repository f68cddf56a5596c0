# cvhome-saas/cvhome-ecs-fargate-infra (sass-pod/sass-pod-cluster.tf): the registry ECS module
# for the cluster and its Fargate capacity providers; a service of the stack runs on it.
variable "instance_id" {
  type = string
}

locals {
  fargate_capacity_providers = {
    FARGATE = {
      default_capacity_provider_strategy = {
        weight = 50
      }
    }
    FARGATE_SPOT = {
      default_capacity_provider_strategy = {
        weight = 50
      }
    }
  }
}

module "saas-pod-cluster" {
  source                     = "terraform-aws-modules/ecs/aws"
  version                    = "~> 5.0"
  cluster_name               = "saas-pod-${var.instance_id}"
  fargate_capacity_providers = local.fargate_capacity_providers
  tags                       = { Project = "cvhome" }
}

resource "aws_ecs_task_definition" "gateway" {
  family                   = "saas-pod-gateway"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name         = "saas-pod-gateway"
      image        = "public.ecr.aws/b2i4h4k9/saas-pod/saas-pod-gateway-v2:0.1.0"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "gateway" {
  name            = "saas-pod-gateway"
  cluster         = module.saas-pod-cluster.cluster_id
  task_definition = aws_ecs_task_definition.gateway.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

output "cluster_name" {
  value = module.saas-pod-cluster.cluster_name
}
