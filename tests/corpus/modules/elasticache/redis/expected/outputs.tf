output "redis_primary" {
  value = null
}
