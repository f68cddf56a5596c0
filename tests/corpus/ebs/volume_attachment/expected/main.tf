resource "digitalocean_droplet" "db" {
  name      = "pg-${var.instance_id}"
  region    = var.region
  size      = "m-2vcpu-16gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#cloud-config
fs_setup:
  - device: /dev/nvme1n1
    filesystem: ext4
mounts:
  - [/dev/nvme1n1, /var/lib/postgresql]
EOT
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume" "data" {
  name   = "pg-data-${var.instance_id}"
  region = var.region
  size   = var.data_volume_gib
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume_attachment" "data" {
  droplet_id = digitalocean_droplet.db.id
  volume_id  = digitalocean_volume.data.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.db.urn], [digitalocean_volume.data.urn]])
}
