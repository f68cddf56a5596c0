# terraform-aws-modules/ecs with two Fargate services (one behind an ALB target group, one
# internal worker with autoscaling turned off): Deployments and Services on a DOKS cluster
# sized from the tasks, the web service's ALB becoming its LoadBalancer Service, and the
# module's default autoscaling an HPA.
variable "instance_id" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name        = "web-${var.instance_id}"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

module "ecs" {
  source  = "terraform-aws-modules/ecs/aws"
  version = "~> 5.11"

  cluster_name = "shop-${var.instance_id}"

  fargate_capacity_providers = {
    FARGATE = {
      default_capacity_provider_strategy = { weight = 100 }
    }
  }

  services = {
    web = {
      cpu    = 512
      memory = 1024

      container_definitions = {
        web = {
          image = "ghcr.io/acme/shop-web:1.4.2"
          port_mappings = [
            { name = "http", containerPort = 8080, protocol = "tcp" }
          ]
          environment = [
            { name = "MODE", value = "production" }
          ]
          readonly_root_filesystem = false
        }
      }

      load_balancer = {
        service = {
          target_group_arn = aws_lb_target_group.web.arn
          container_name   = "web"
          container_port   = 8080
        }
      }

      autoscaling_max_capacity = 4
    }

    worker = {
      cpu                = 256
      memory             = 512
      enable_autoscaling = false
      desired_count      = 2

      container_definitions = {
        worker = {
          image   = "ghcr.io/acme/shop-worker:1.4.2"
          command = ["worker", "--queue", "orders"]
        }
      }
    }
  }
}

output "cluster_name" {
  value = module.ecs.cluster_name
}
