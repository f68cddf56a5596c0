output "target_group_arn" {
  value = module.lb.target_group_arn
}

output "url" {
  value = "http://${module.ecs.lb_dns_name}"
}
