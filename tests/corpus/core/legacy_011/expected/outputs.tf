output "vpc" {
  value = digitalocean_vpc.main.id
}
