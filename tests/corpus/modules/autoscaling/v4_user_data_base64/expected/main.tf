resource "digitalocean_droplet_autoscale" "asg" {
  name = "wordpress-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size      = "s-2vcpu-2gb"
    region    = var.region
    image     = "ubuntu-24-04-x64"
    ssh_keys  = []
    user_data = <<-EOT
#!/bin/bash
yum -y install nginx php-fpm
systemctl start nginx
EOT
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:wordpress-${var.instance_id}"]
  }
}

resource "digitalocean_loadbalancer" "alb" {
  name        = "wordpress-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:wordpress-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }

  healthcheck {
    protocol = "http"
    port     = 80
    path     = "/"
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
  resources = flatten([[digitalocean_loadbalancer.alb.urn]])
}
