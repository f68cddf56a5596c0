output "log_group" {
  value = null
}

output "cpu_alarm" {
  value = digitalocean_monitor_alert.worker_cpu.uuid
}
