resource "digitalocean_droplet_autoscale" "asg" {
  name = "asg-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size      = "s-1vcpu-2gb"
    region    = var.region
    image     = "ubuntu-24-04-x64"
    ssh_keys  = []
    user_data = <<-EOT
#!/bin/bash
apt-get install -y nginx
EOT
    project_id         = var.project_id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:laravel-elb-${var.instance_id}"]
  }
}
