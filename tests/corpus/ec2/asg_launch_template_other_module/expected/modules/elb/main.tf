resource "digitalocean_loadbalancer" "elb" {
  name        = "laravel-elb-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:laravel-elb-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_loadbalancer.elb.urn]])
}
