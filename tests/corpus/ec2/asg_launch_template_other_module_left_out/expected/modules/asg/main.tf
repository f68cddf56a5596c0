resource "digitalocean_droplet_autoscale" "asg" {
  name = "asg-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-1vcpu-2gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    user_data          = "#!/bin/bash\napt-get install -y nginx\n"
    project_id         = var.project_id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}"]
  }
}
