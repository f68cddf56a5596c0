output "second_pool" {
  value = null
}
