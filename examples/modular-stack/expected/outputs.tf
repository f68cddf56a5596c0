output "db_endpoint" {
  value = null
}

output "analytics_endpoint" {
  value = null
}

output "media_bucket" {
  value = null
}

output "alb_dns_name" {
  value = null
}

output "app_ips" {
  value = module.app.private_ips
}

output "cache_host" {
  value = module.cache.host
}
