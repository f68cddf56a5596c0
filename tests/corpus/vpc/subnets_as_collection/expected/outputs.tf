output "db_subnet_ids" {
  value = [for s in { this = digitalocean_vpc.this } : s.id]
}

output "db_subnet_ids_by_key" {
  value = {for k, s in { this = digitalocean_vpc.this } : k => s.id}
}

output "db_subnet_values" {
  value = values({ this = digitalocean_vpc.this })[*].id
}

output "app_subnet_ids" {
  value = [for s in [digitalocean_vpc.this] : s.id]
}

output "app_subnet_count" {
  value = length([digitalocean_vpc.this])
}

output "first_app_subnet" {
  value = digitalocean_vpc.this.id
}
