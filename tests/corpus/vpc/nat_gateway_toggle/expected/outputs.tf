output "nat_public_ips" {
  value = [for i in digitalocean_vpc_nat_gateway.nat : tolist(i.egresses[0].public_gateways)[0].ipv4]
}

output "nat_ids" {
  value = digitalocean_vpc_nat_gateway.nat.*.id
}
