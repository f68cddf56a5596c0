output "extra_volume_ids" {
  value = {for k, v in digitalocean_volume.extra : k => v.id}
}
