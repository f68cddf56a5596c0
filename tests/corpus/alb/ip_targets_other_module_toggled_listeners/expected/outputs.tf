output "alb_dns_name" {
  value = module.ecs.lb_dns_name
}
