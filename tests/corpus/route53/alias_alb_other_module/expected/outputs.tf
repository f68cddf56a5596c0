output "lb_dns" {
  value = module.lb.dns_name
}
