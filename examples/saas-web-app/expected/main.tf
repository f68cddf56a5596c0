locals {
  name = "acme-${var.instance_id}"
}

data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.30."
}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "digitalocean_database_cluster" "app" {
  name                 = "${local.name}-pg"
  engine               = "pg"
  version              = "16"
  size                 = "gd-2vcpu-8gb"
  region               = var.region
  node_count           = 2
  storage_size_mib     = "102400"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Sunday"
    hour = "04:00"
  }

  storage_autoscale {
    enabled = true
  }
}

resource "digitalocean_database_db" "app_db" {
  cluster_id = digitalocean_database_cluster.app.id
  name       = "acme"
}

resource "digitalocean_database_user" "app_user" {
  cluster_id = digitalocean_database_cluster.app.id
  name       = "acme_admin"
}

resource "digitalocean_database_cluster" "sessions" {
  name                 = "${local.name}-sessions"
  engine               = "valkey"
  version              = "8"
  size                 = "db-s-2vcpu-4gb"
  region               = var.region
  node_count           = 2
  private_network_uuid = digitalocean_vpc.main.id
  eviction_policy      = "volatile_lru"
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "${local.name}-uploads"
  region = var.region
  acl    = "private"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-tmp"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = 7
    }
  }
}

resource "digitalocean_domain" "main" {
  name = var.domain_name
}

resource "digitalocean_certificate" "app" {
  name       = "app-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain_name, "*.${var.domain_name}"]
  depends_on = [digitalocean_domain.main]

  lifecycle {
    create_before_destroy = true
  }
}

resource "digitalocean_loadbalancer" "web" {
  name                             = "acme-web-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  vpc_uuid                         = digitalocean_vpc.main.id
  http_idle_timeout_seconds        = 120
  redirect_http_to_https           = true
  tls_cipher_policy                = "STRONG"
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = 8080
    certificate_name = digitalocean_certificate.app.name
  }

  healthcheck {
    protocol                 = "http"
    port                     = 8080
    path                     = "/healthz"
    check_interval_seconds   = 15
    response_timeout_seconds = 5
    healthy_threshold        = 3
    unhealthy_threshold      = 3
  }
}

resource "digitalocean_record" "apex" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = digitalocean_loadbalancer.web.ip
}

resource "digitalocean_record" "www" {
  domain = digitalocean_domain.main.name
  type   = "CNAME"
  name   = "www"
  value  = "${var.domain_name}."
  ttl    = 300
}

resource "digitalocean_kubernetes_cluster" "main" {
  name     = local.name
  region   = var.region
  version  = data.digitalocean_kubernetes_versions.main.latest_version
  vpc_uuid = digitalocean_vpc.main.id
  ha       = true
  tags     = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "general"
    size       = "g-4vcpu-16gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 6
    labels     = {
      workload = "general"
    }
    tags = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_vpc_nat_gateway" "main" {
  name   = "main-${var.instance_id}"
  type   = "PUBLIC"
  region = var.region
  size   = 1

  vpcs {
    vpc_uuid        = digitalocean_vpc.main.id
    default_gateway = true
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "uploads" {
  bucket = digitalocean_spaces_bucket.uploads.name
  region = var.region

  cors_rule {
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://${var.domain_name}"]
    allowed_headers = ["*"]
    max_age_seconds = 3000
  }
}

resource "digitalocean_kubernetes_node_pool" "batch" {
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = "batch"
  size       = "c-8"
  auto_scale = true
  min_nodes  = 1
  max_nodes  = 4
  tags       = ["instance-id:${var.instance_id}"]

  taint {
    key    = "batch"
    value  = "true"
    effect = "NoSchedule"
  }
}

resource "digitalocean_database_firewall" "app" {
  cluster_id = digitalocean_database_cluster.app.id

  rule {
    type  = "ip_addr"
    value = digitalocean_vpc.main.ip_range
  }
}

resource "digitalocean_database_firewall" "sessions" {
  cluster_id = digitalocean_database_cluster.sessions.id

  rule {
    type  = "ip_addr"
    value = digitalocean_vpc.main.ip_range
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
  resources = flatten([[digitalocean_database_cluster.app.urn], [digitalocean_database_cluster.sessions.urn], [digitalocean_spaces_bucket.uploads.urn], [digitalocean_domain.main.urn], [digitalocean_loadbalancer.web.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
