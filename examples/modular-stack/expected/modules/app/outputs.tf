output "private_ips" {
  value = null
}

output "instance_ids" {
  value = null
}
