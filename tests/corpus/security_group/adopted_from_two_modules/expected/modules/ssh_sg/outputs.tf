output "id" {
  value = null
}
