# The ECS service submodule registering in a target group of the registry ALB module (v9) by
# its key: `module.alb.target_groups["web"].arn` reads the module's target group, so the ALB
# becomes the service's LoadBalancer Service (sweep 13 #210).
variable "instance_id" {
  type = string
}

module "cluster" {
  source = "terraform-aws-modules/ecs/aws//modules/cluster"

  cluster_name = "shop-${var.instance_id}"
}

module "web" {
  source = "terraform-aws-modules/ecs/aws//modules/service"

  name        = "web"
  cluster_arn = module.cluster.arn
  cpu         = 512
  memory      = 1024

  container_definitions = {
    web = {
      image = "ghcr.io/acme/shop-web:1.4.2"
      port_mappings = [
        { name = "http", containerPort = 3000, protocol = "tcp" }
      ]
    }
  }

  load_balancer = {
    service = {
      target_group_arn = module.alb.target_groups["web"].arn
      container_name   = "web"
      container_port   = 3000
    }
  }
}

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"

  name = "shop-${var.instance_id}"

  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      forward = {
        target_group_key = "web"
      }
    }
  }

  target_groups = {
    web = {
      backend_protocol  = "HTTP"
      backend_port      = 3000
      target_type       = "ip"
      create_attachment = false
      health_check = {
        path = "/healthz"
      }
    }
  }
}

output "url" {
  value = "http://${module.alb.dns_name}"
}

output "target_group" {
  value = module.alb.target_groups["web"].name
}
