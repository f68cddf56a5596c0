resource "digitalocean_droplet" "app" {
  count  = var.app_count
  name   = "app-${count.index}-${var.instance_id}"
  region = var.region
  size   = "c-2"
  image  = "debian-12-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "cache" {
  for_each = toset(["a", "b"])
  name     = "cache-${each.key}-${var.instance_id}"
  region   = var.region
  size     = "m-2vcpu-16gb"
  image    = "debian-12-x64"
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_reserved_ip" "app" {
  count      = var.app_count
  region     = var.region
  droplet_id = digitalocean_droplet.app[count.index].id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([digitalocean_droplet.app[*].urn, values(digitalocean_droplet.cache)[*].urn, digitalocean_reserved_ip.app[*].urn])
}
