output "vpc_id" {
  value = digitalocean_vpc.main.id
}

output "public_subnet_ids" {
  value = [digitalocean_vpc.main.id]
}

output "private_subnet_ids" {
  value = [digitalocean_vpc.main.id]
}

output "private_route_table_id" {
  value = digitalocean_vpc.main.id
}

output "nat_public_ip" {
  value = tolist(digitalocean_vpc_nat_gateway.main.egresses[0].public_gateways)[0].ipv4
}

output "azs" {
  value = [var.region]
}
