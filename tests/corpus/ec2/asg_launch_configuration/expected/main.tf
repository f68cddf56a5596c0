resource "digitalocean_droplet_autoscale" "workers" {
  name = "workers-${var.instance_id}"

  config {
    target_number_instances = 3
  }

  droplet_template {
    size      = "s-2vcpu-4gb"
    region    = var.region
    image     = "ubuntu-24-04-x64"
    ssh_keys  = []
    user_data = <<-EOT
#!/bin/bash
dnf install -y docker
systemctl enable --now docker
EOT
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "pool:workers-${var.instance_id}"]
  }
}

resource "digitalocean_firewall" "workers" {
  name = "workers-${var.instance_id}"
  tags = ["pool:workers-${var.instance_id}"]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "8080"
    source_addresses = ["10.0.0.0/8"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
