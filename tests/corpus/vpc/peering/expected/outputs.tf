output "peering_id" {
  value = digitalocean_vpc_peering.app_data.id
}

output "peering_status" {
  value = lower(digitalocean_vpc_peering.app_data.status)
}

output "partner_peering_id" {
  value = null
}
