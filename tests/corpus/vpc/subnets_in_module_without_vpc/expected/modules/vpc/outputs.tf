output "vpc_id" {
  value = digitalocean_vpc.main.id
}
