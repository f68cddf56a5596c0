output "leaderboard_endpoint" {
  value = digitalocean_database_cluster.leaderboard.host
}

output "leaderboard_port" {
  value = digitalocean_database_cluster.leaderboard.port
}
