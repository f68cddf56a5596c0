# The target group's ARN reaches the ECS module through an expression (`coalesce(...)`), not
# as a plain module output: Ferry does not follow it, and the stack compiles as before
# cross-module wiring (the load balancer a `digitalocean_loadbalancer` without backends, F305;
# the service a ClusterIP Service).
variable "instance_id" {
  type = string
}

module "lb" {
  source         = "./modules/lb"
  container_port = 3000
}

module "ecs" {
  source = "./modules/ecs"
  tg_arn = coalesce(module.lb.target_group_arn, "none")
}
