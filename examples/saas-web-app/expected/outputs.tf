output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.main.endpoint
}

output "cluster_name" {
  value = digitalocean_kubernetes_cluster.main.name
}

output "database_endpoint" {
  value = "${digitalocean_database_cluster.app.host}:${digitalocean_database_cluster.app.port}"
}

output "database_url" {
  value     = "postgres://${digitalocean_database_cluster.app.user}:${digitalocean_database_cluster.app.password}@${digitalocean_database_cluster.app.host}:${digitalocean_database_cluster.app.port}/${digitalocean_database_db.app_db.name}"
  sensitive = true
}

output "redis_endpoint" {
  value = digitalocean_database_cluster.sessions.host
}

output "uploads_bucket" {
  value = digitalocean_spaces_bucket.uploads.name
}

output "load_balancer_dns" {
  value = digitalocean_loadbalancer.web.ip
}

output "name_servers" {
  value = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}

output "account_id" {
  value = null
}
