resource "digitalocean_droplet" "worker" {
  name   = "worker-${var.instance_id}"
  image  = "ubuntu-24-04-x64"
  size   = "s-2vcpu-4gb"
  region = var.region
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_monitor_alert" "worker_cpu" {
  description = "Worker CPU above 80% for 10 minutes"
  type        = "v1/insights/droplet/cpu"
  compare     = "GreaterThan"
  value       = 80
  window      = "10m"
  entities    = [digitalocean_droplet.worker.id]
  tags        = ["instance-id:${var.instance_id}"]

  alerts {
    email = []
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
  resources = flatten([[digitalocean_droplet.worker.urn]])
}
