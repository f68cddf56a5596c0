resource "digitalocean_droplet" "web" {
  name   = "web-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_loadbalancer" "main" {
  name                   = "web-alb-${var.instance_id}"
  type                   = "REGIONAL"
  region                 = var.region
  redirect_http_to_https = var.alb_certificate_arn != ""
  tls_cipher_policy      = "STRONG"
  droplet_ids            = [digitalocean_droplet.web.id]

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  dynamic "forwarding_rule" {
    for_each = range(var.alb_certificate_arn != "" ? 1 : 0)

    content {
      entry_protocol   = "https"
      entry_port       = 443
      target_protocol  = "http"
      target_port      = 8080
      certificate_name = var.alb_certificate_arn
    }
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/health"
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.web.urn], [digitalocean_loadbalancer.main.urn]])
}
