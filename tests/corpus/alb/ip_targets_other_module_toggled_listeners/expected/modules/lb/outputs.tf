output "target_group_arn" {
  value = null
}

output "dns_name" {
  value = null
}
