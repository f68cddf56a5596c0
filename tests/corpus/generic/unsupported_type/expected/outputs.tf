output "table" {
  value = null
}
