resource "digitalocean_droplet_autoscale" "nextcloud" {
  name = "nextcloud-${var.instance_id}"

  config {
    target_number_instances = 4
  }

  droplet_template {
    size               = "s-1vcpu-1gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = var.project_id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:test-lb-tf-${var.instance_id}"]
  }
}
