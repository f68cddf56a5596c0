output "volume_id" {
  value = digitalocean_volume.data.id
}

output "volume_arn" {
  value = digitalocean_volume.data.urn
}

output "attached_device" {
  value = null
}
