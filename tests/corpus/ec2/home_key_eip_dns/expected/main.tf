resource "digitalocean_ssh_key" "deployer" {
  name       = "deployer-${var.instance_id}"
  public_key = file("~/.ssh/id_rsa.pub")
}

resource "digitalocean_droplet" "web" {
  name     = "web-${var.instance_id}"
  region   = var.region
  size     = "s-2vcpu-2gb"
  image    = "ubuntu-24-04-x64"
  ssh_keys = [digitalocean_ssh_key.deployer.fingerprint]
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_reserved_ip" "web" {
  region     = var.region
  droplet_id = digitalocean_droplet.web.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.web.urn], [digitalocean_reserved_ip.web.urn]])
}
