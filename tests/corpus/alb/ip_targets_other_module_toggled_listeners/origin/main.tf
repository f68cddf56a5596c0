# Nareshgundavelli/aws-ecs-fargate-aurora-terraform (terraform/main.tf, modules/alb): the ALB
# of one module is named after a root variable without a default, and its HTTPS listener and
# listener rule are toggled by `count` on an input its caller decides (off: no domain). The
# service's module still adopts the load balancer: the listener left out by its count is
# given away uncopied, the one kept by its count (the alternate port) is copied with it, and
# the name Ferry cannot know is left to the adopting module (resource name + instance id).
variable "instance_id" {
  type = string
}

variable "environment" {
  type = string
}

variable "domain_name" {
  type    = string
  default = ""
}

module "lb" {
  source       = "./modules/lb"
  environment  = var.environment
  enable_https = var.domain_name != ""
  alt_port     = true
}

module "ecs" {
  source = "./modules/ecs"
  tg_arn = module.lb.target_group_arn
}

output "alb_dns_name" {
  value = module.lb.dns_name
}
