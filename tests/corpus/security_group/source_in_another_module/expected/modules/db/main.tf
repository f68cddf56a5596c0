resource "digitalocean_database_cluster" "db" {
  name                 = "app-db-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = var.vpc_id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_database_cluster" "cache" {
  name                 = "app-cache-${var.instance_id}"
  engine               = "valkey"
  version              = "8"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = var.vpc_id
  eviction_policy      = "volatile_lru"
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_firewall" "db" {
  cluster_id = digitalocean_database_cluster.db.id

  rule {
    type  = "tag"
    value = "instance-id:${var.instance_id}"
  }
}

resource "digitalocean_database_firewall" "cache" {
  cluster_id = digitalocean_database_cluster.cache.id

  rule {
    type  = "tag"
    value = "instance-id:${var.instance_id}"
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.db.urn], [digitalocean_database_cluster.cache.urn]])
}
