output "reporting_address" {
  value = digitalocean_database_replica.reporting.host
}
