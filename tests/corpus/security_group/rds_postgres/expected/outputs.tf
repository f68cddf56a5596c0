output "db_sg" {
  value = null
}
