resource "digitalocean_loadbalancer" "game" {
  name   = "game-${var.instance_id}"
  type   = "REGIONAL_NETWORK"
  region = var.region

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 53
    target_protocol = "tcp"
    target_port     = 53
  }

  forwarding_rule {
    entry_protocol  = "udp"
    entry_port      = 53
    target_protocol = "udp"
    target_port     = 53
  }

  dynamic "forwarding_rule" {
    for_each = var.game_ports

    content {
      entry_protocol  = "udp"
      entry_port      = forwarding_rule.value
      target_protocol = "udp"
      target_port     = forwarding_rule.value
    }
  }

  healthcheck {
    protocol = "tcp"
    port     = 53
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
  resources = flatten([[digitalocean_loadbalancer.game.urn]])
}
