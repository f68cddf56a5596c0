module "app" {
  source         = "./modules/app"
  name           = "shop-${var.instance_id}"
  vpc_id         = digitalocean_vpc.vpc.id
  subnet_ids     = null
  instance_count = 2
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

module "cache" {
  source      = "./modules/cache"
  name        = "shop-${var.instance_id}"
  subnet_ids  = null
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_vpc" "vpc" {
  name     = "shop-${var.instance_id}"
  region   = var.region
  ip_range = "10.30.0.0/16"
}

resource "digitalocean_spaces_bucket" "media" {
  name          = "shop-media-${var.instance_id}"
  region        = var.region
  force_destroy = false
  acl           = "private"

  versioning {
    enabled = true
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "media" {
  bucket = digitalocean_spaces_bucket.media.name
  region = var.region

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "digitalocean_database_cluster" "db" {
  name                 = "shop-${var.instance_id}"
  engine               = "pg"
  version              = "15"
  size                 = "db-s-4vcpu-8gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "51200"
  private_network_uuid = digitalocean_vpc.vpc.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Monday"
    hour = "00:00"
  }
}

resource "digitalocean_database_db" "db_db" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "shop"
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "shop"
}

resource "digitalocean_database_cluster" "analytics" {
  name                 = "shop-analytics-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 2
  private_network_uuid = digitalocean_vpc.vpc.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "analytics_db" {
  cluster_id = digitalocean_database_cluster.analytics.id
  name       = "analytics"
}

resource "digitalocean_database_user" "analytics_user" {
  cluster_id = digitalocean_database_cluster.analytics.id
  name       = "analytics"
}

resource "digitalocean_loadbalancer" "alb" {
  name     = "shop-${var.instance_id}"
  type     = "REGIONAL"
  region   = var.region
  vpc_uuid = digitalocean_vpc.vpc.id

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 3000
  }

  healthcheck {
    protocol = "http"
    port     = 3000
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
  resources = flatten([[digitalocean_spaces_bucket.media.urn], [digitalocean_database_cluster.db.urn], [digitalocean_database_cluster.analytics.urn], [digitalocean_loadbalancer.alb.urn]])
}
