output "db_endpoint" {
  value = null
}

output "db_host" {
  value = null
}

output "db_port" {
  value = null
}

output "db_name" {
  value = null
}

output "db_secret" {
  value = null
}
