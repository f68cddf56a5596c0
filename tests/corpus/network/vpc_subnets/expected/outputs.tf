output "vpc_id" {
  value = digitalocean_vpc.main.id
}

output "subnet_ids" {
  value = [digitalocean_vpc.main.id]
}
