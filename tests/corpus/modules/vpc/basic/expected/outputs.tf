output "vpc_id" {
  value = digitalocean_vpc.vpc.id
}

output "vpc_cidr" {
  value = digitalocean_vpc.vpc.ip_range
}

output "private_subnet_ids" {
  value = null
}

output "db_subnet_group" {
  value = null
}
