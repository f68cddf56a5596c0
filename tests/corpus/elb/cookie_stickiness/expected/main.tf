resource "digitalocean_loadbalancer" "web" {
  name        = "web-elb-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:web-elb-${var.instance_id}"

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

  sticky_sessions {
    type               = "cookies"
    cookie_name        = "DO-LB"
    cookie_ttl_seconds = 600
  }
}

resource "digitalocean_droplet_autoscale" "web" {
  name = "web-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-2vcpu-2gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    user_data          = "#!/bin/bash\napt-get install -y nginx\n"
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:web-elb-${var.instance_id}"]
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
