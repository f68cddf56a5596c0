output "vpc_id" {
  value = digitalocean_vpc.this.id
}

output "private_subnet_ids" {
  value = [digitalocean_vpc.this.id]
}
