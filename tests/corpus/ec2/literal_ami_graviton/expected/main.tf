resource "digitalocean_droplet" "worker" {
  name      = "worker-node-${var.instance_id}"
  region    = var.region
  size      = "g-4vcpu-16gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("${path.module}/worker.sh.tpl", { queue = "jobs" })
  ipv6      = true
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume" "worker_sdf" {
  name   = "worker-sdf-${var.instance_id}"
  region = var.region
  size   = 200
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume_attachment" "worker_sdf" {
  droplet_id = digitalocean_droplet.worker.id
  volume_id  = digitalocean_volume.worker_sdf.id
}

resource "digitalocean_droplet" "legacy" {
  name   = "legacy-${var.instance_id}"
  region = var.region
  size   = "m-8vcpu-64gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.worker.urn], [digitalocean_volume.worker_sdf.urn], [digitalocean_droplet.legacy.urn]])
}
