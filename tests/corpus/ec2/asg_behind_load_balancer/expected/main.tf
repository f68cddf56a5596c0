resource "digitalocean_loadbalancer" "web" {
  name        = "Web-Edge-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:web-edge-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/"
  }
}

resource "digitalocean_droplet_autoscale" "web" {
  name = "web-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-2vcpu-4gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:web-edge-${var.instance_id}"]
  }
}

resource "digitalocean_loadbalancer" "api" {
  name        = "${var.name}-api-${var.instance_id}"
  type        = "REGIONAL_NETWORK"
  region      = var.region
  network     = "INTERNAL"
  droplet_tag = lower("lb:${var.name}-api-${var.instance_id}")

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 9000
    target_protocol = "tcp"
    target_port     = 9000
  }

  healthcheck {
    protocol = "tcp"
    port     = 9000
  }
}

resource "digitalocean_droplet_autoscale" "api" {
  name = "api-${var.instance_id}"

  config {
    target_number_instances = 1
  }

  droplet_template {
    size               = "s-2vcpu-4gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", lower("lb:${var.name}-api-${var.instance_id}")]
  }
}

resource "digitalocean_loadbalancer" "legacy" {
  name        = "legacy-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:legacy-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }
}

resource "digitalocean_droplet_autoscale" "legacy" {
  name = "legacy-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-2vcpu-4gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:legacy-${var.instance_id}"]
  }
}

resource "digitalocean_droplet_autoscale" "worker" {
  name = "worker-${var.instance_id}"

  config {
    target_number_instances = 1
  }

  droplet_template {
    size               = "s-2vcpu-4gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:web-edge-${var.instance_id}"]
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
  resources = flatten([[digitalocean_loadbalancer.web.urn], [digitalocean_loadbalancer.api.urn], [digitalocean_loadbalancer.legacy.urn]])
}
