output "jobs_queue_url" {
  value = null
}

output "orders_table" {
  value = null
}
