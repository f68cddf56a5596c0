output "database_subnets" {
  value = []
}
