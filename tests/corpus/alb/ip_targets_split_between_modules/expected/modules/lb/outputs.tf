output "alb_dns_name" {
  value = null
}

output "mqtt_tg_arn" {
  value = null
}

output "redis_tg_arn" {
  value = null
}
