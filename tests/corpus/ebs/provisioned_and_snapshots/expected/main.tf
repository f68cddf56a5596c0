locals {
  volumes = {
    logs = {
      size = 50
      type = "st1"
    }
    scratch = {
      size = 500
      type = "gp2"
    }
  }
}

resource "digitalocean_droplet" "worker" {
  name   = "worker-${var.instance_id}"
  region = var.region
  size   = "c-4"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume" "fast" {
  name   = "fast-${var.instance_id}"
  region = var.region
  size   = 400
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume" "extra" {
  for_each = local.volumes
  name     = "extra-${each.key}-${var.instance_id}"
  region   = var.region
  size     = each.value.size
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume_attachment" "fast" {
  droplet_id = digitalocean_droplet.worker.id
  volume_id  = digitalocean_volume.fast.id
}

resource "digitalocean_volume_attachment" "extra" {
  for_each   = digitalocean_volume.extra
  droplet_id = digitalocean_droplet.worker.id
  volume_id  = each.value.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.worker.urn], [digitalocean_volume.fast.urn], values(digitalocean_volume.extra)[*].urn])
}
