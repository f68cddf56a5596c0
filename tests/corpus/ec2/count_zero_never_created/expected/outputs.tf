output "spare_id" {
  value = try(digitalocean_droplet.spare[0].id, digitalocean_droplet.this.id)
}

output "spare_ids" {
  value = digitalocean_droplet.spare[*].id
}

output "spare_legacy_ids" {
  value = digitalocean_droplet.spare.*.ipv4_address_private
}

output "spare_count" {
  value = length(digitalocean_droplet.spare)
}

output "spare_ip" {
  value = one([])
}

output "extra_buckets" {
  value = {for k, b in digitalocean_spaces_bucket.extra : k => b.name}
}

output "extra_count" {
  value = length(digitalocean_spaces_bucket.extra)
}

output "pool_ids" {
  value = module.pool.node_ids
}
