output "arn" {
  value = local.arn
}

output "identifier" {
  value = digitalocean_database_cluster.main.name
}
