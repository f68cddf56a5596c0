output "nat_public_ip" {
  value = tolist(digitalocean_vpc_nat_gateway.main.egresses[0].public_gateways)[0].ipv4
}
