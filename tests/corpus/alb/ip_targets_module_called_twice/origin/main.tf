# The ECS module is called twice (two environments of one service): `var.tg_arn` has two
# values, so Ferry does not follow it; the load balancer stays a `digitalocean_loadbalancer`
# (F305) and each service gets a ClusterIP Service, as before cross-module wiring.
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

module "ecs_canary" {
  source = "./modules/ecs"
  tg_arn = module.lb.target_group_arn
}
