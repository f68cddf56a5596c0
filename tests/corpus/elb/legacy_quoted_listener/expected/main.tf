resource "digitalocean_droplet" "web" {
  name      = "web-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<EOF
#!/bin/bash
cat > /etc/app.hcl <<CONF
"listener" {
  port = 80
}
CONF
EOF
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_loadbalancer" "elb" {
  name        = "elb-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_ids = [digitalocean_droplet.web.id]

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }

  healthcheck {
    protocol                 = "http"
    port                     = 80
    path                     = "/"
    check_interval_seconds   = 30
    response_timeout_seconds = 3
    healthy_threshold        = 2
    unhealthy_threshold      = 2
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.web.urn], [digitalocean_loadbalancer.elb.urn]])
}
