output "etl_layer" {
  value = null
}
