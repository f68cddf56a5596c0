resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.10.0.0/16"
}

resource "digitalocean_ssh_key" "ops" {
  name       = "ops-${var.instance_id}"
  public_key = file("${path.module}/ops.pub")
}

resource "digitalocean_droplet_autoscale" "app" {
  name = "app-${var.instance_id}"

  config {
    min_instances          = 2
    max_instances          = 8
    target_cpu_utilization = 0.6
    cooldown_minutes       = 5
  }

  droplet_template {
    size      = "g-4vcpu-16gb"
    region    = var.region
    image     = "ubuntu-24-04-x64"
    ssh_keys  = [digitalocean_ssh_key.ops.fingerprint]
    user_data = <<-EOT
#!/bin/bash
docker run -d -p 80:8080 registry.example.com/app:1.4.2
EOT
    vpc_uuid           = digitalocean_vpc.main.id
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
