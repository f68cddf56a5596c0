output "vpc_id" {
  value = null
}
