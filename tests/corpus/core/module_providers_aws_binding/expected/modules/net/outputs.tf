output "vpc_id" {
  value = digitalocean_vpc.replica.id
}
