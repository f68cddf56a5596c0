output "lt_id" {
  value = null
}
