output "queue_url" {
  value = null
}

output "worker_role_arn" {
  value = null
}
