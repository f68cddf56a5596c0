output "reporting_host" {
  value = module.replica.reporting_address
}
