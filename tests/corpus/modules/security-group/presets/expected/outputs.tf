output "web_sg_id" {
  value = null
}

output "ssh_sg_name" {
  value = null
}
