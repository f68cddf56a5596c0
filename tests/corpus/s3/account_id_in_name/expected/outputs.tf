output "account" {
  value = null
}
