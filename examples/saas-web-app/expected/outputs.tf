output "cluster_endpoint" {
  value = null
}

output "cluster_name" {
  value = null
}

output "database_endpoint" {
  value = null
}

output "database_url" {
  value     = "postgres://${null}:${random_password.db.result}@${null}:${null}/${null}"
  sensitive = true
}

output "redis_endpoint" {
  value = null
}

output "uploads_bucket" {
  value = digitalocean_spaces_bucket.uploads.name
}

output "load_balancer_dns" {
  value = null
}

output "name_servers" {
  value = null
}

output "account_id" {
  value = null
}
