resource "digitalocean_droplet_autoscale" "web" {
  name = "web-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-1vcpu-1gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    user_data          = file("./user-data.sh")
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_droplet" "worker" {
  name      = "worker-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
echo "worker $(curl -s http://169.254.169.254/metadata/v1/id)" > /etc/motd
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
  resources = flatten([[digitalocean_droplet.worker.urn]])
}
