resource "digitalocean_droplet" "app" {
  name      = "app-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
echo "DB_HOST=${var.db_db_address}" >> /etc/app.env
echo "DB_PORT=${var.db_db_port}" >> /etc/app.env
EOT
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.app.urn]])
}
