provider "aws" {
  region = "eu-central-1"
}

resource "aws_ecs_cluster" "main" {
  name = "road-vision"
}

module "lb" {
  source = "./modules/lb"
}

module "mqtt" {
  source         = "./modules/mqtt"
  ecs_cluster_id = aws_ecs_cluster.main.id
  mqtt_tg_arn    = module.lb.mqtt_tg_arn
}

module "redis" {
  source         = "./modules/redis"
  ecs_cluster_id = aws_ecs_cluster.main.id
  redis_tg_arn   = module.lb.redis_tg_arn
}

output "alb_dns_name" {
  value = module.lb.alb_dns_name
}
