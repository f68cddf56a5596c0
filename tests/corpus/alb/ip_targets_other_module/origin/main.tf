# aleRizzolo/terraform-examples (aws/main.tf): the ALB lives in one module, the ECS service
# registering in its target group in another; only the group's ARN crosses, through the
# root. The service's module adopts the load balancer: it becomes the service's Kubernetes
# Service of type LoadBalancer, as when both are declared in one module.
variable "instance_id" {
  type = string
}

module "lb" {
  source         = "./modules/lb"
  container_port = 3000
}

module "ecs" {
  source = "./modules/ecs"
  tg_arn = module.lb.target_group_arn
}

output "target_group_arn" {
  value = module.lb.target_group_arn
}
