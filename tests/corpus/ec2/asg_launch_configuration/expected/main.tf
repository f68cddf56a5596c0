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
    tags               = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
