# ip_targets_other_module, with the load balancer's address leaving its module too: the
# root's alias record and output read `module.lb.dns_name`. The ECS module adopts the load
# balancer, so the LB module cannot read its address: the ECS module exports the Service's
# load-balancer IP (`lb_dns_name`), and the root reads `module.ecs.lb_dns_name` instead.
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

resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "app" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "app.example.com"
  type    = "A"

  alias {
    name                   = module.lb.dns_name
    zone_id                = module.lb.zone_id
    evaluate_target_health = true
  }
}

output "url" {
  value = "http://${module.lb.dns_name}"
}
