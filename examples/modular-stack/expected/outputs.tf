output "db_endpoint" {
  value = "${digitalocean_database_cluster.db.host}:${digitalocean_database_cluster.db.port}"
}

output "analytics_endpoint" {
  value = digitalocean_database_cluster.analytics.host
}

output "media_bucket" {
  value = digitalocean_spaces_bucket.media.name
}

output "alb_dns_name" {
  value = digitalocean_loadbalancer.alb.ip
}

output "app_ips" {
  value = module.app.private_ips
}

output "cache_host" {
  value = module.cache.host
}
