resource "digitalocean_droplet" "api" {
  name      = "api-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
set -euo pipefail
dnf install -y docker
systemctl enable --now docker
docker run -d --restart always -p 80:8080 \
  -e DATABASE_URL=postgres://api@db.internal/api \
  ${var.api_image}
EOT
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "reports" {
  name      = "reports-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-4gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("${path.module}/scripts/reports.sh.tpl", { port = 9000 })
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.api.urn], [digitalocean_droplet.reports.urn]])
}
