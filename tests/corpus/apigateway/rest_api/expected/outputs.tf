output "invoke_url" {
  value = null
}
