resource "digitalocean_vpc" "main" {
  name     = "${terraform.workspace}-vpc-${var.instance_id}"
  region   = var.region
  ip_range = "${lookup(var.vpc_cidr_prefix, terraform.workspace)}.0.0/16"
}

resource "digitalocean_droplet" "web" {
  name     = "${terraform.workspace}-web-${var.instance_id}"
  region   = var.region
  size     = "s-2vcpu-2gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.web.urn]])
}
