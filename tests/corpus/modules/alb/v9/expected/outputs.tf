output "lb_dns" {
  value = null
}

output "lb_zone" {
  value = null
}

output "target_groups" {
  value = null
}
