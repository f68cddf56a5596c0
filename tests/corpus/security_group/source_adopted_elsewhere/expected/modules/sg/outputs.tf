output "web_sg_id" {
  value = null
}

output "db_sg_id" {
  value = null
}
