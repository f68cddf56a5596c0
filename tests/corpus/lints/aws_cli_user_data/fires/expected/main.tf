resource "digitalocean_droplet" "web" {
  name      = "web-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
API_KEY="$(aws ssm get-parameter --name /web/api-key --with-decryption --query Parameter.Value --output text)"
echo "API_KEY=$API_KEY" > /etc/web.env
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
  resources = flatten([[digitalocean_droplet.web.urn]])
}
