output "game_ip" {
  value = digitalocean_loadbalancer.game.ip
}
