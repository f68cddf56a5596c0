resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_loadbalancer" "web" {
  name        = "web-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.main.id
  droplet_tag = "lb:web-${var.instance_id}"

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

resource "digitalocean_droplet_autoscale" "web" {
  name = "web-${var.instance_id}"

  config {
    target_number_instances = 3
  }

  droplet_template {
    size               = "s-2vcpu-4gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    user_data          = "#!/bin/bash\nsystemctl start nginx\n"
    vpc_uuid           = digitalocean_vpc.main.id
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:web-${var.instance_id}"]
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
  resources = flatten([[digitalocean_loadbalancer.web.urn]])
}
