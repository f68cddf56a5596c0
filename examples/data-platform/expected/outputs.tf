output "warehouse_endpoint" {
  value = null
}

output "events_endpoint" {
  value = null
}

output "ingest_lb" {
  value = null
}

output "ingest_private_ips" {
  value = null
}
