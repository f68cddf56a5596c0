output "shop_db_endpoint" {
  value = null
}

output "shop_db_port" {
  value = null
}
