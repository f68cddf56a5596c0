output "host" {
  value = null
}
