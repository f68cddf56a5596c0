output "spare_id" {
  value = try([][0].id, digitalocean_droplet.this.id)
}

output "spare_ids" {
  value = []
}

output "spare_legacy_ids" {
  value = []
}

output "spare_count" {
  value = length([])
}

output "spare_ip" {
  value = one([])
}

output "extra_buckets" {
  value = {for k, b in {} : k => b.bucket}
}

output "extra_count" {
  value = length({})
}
