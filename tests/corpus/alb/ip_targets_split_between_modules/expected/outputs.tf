output "alb_dns_name" {
  value = module.lb.alb_dns_name
}
