output "user_pool_id" {
  value = null
}

output "client_id" {
  value = null
}
