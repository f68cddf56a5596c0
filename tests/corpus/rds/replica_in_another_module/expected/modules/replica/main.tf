data "digitalocean_database_cluster" "analytics_source" {
  name = var.source_name
}

resource "digitalocean_database_replica" "reporting" {
  cluster_id = trimprefix(var.source_arn, "do:dbaas:")
  name       = "shop-reporting-${var.instance_id}"
  size       = "gd-2vcpu-8gb"
  region     = var.region
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_replica" "analytics" {
  cluster_id = data.digitalocean_database_cluster.analytics_source.id
  name       = "shop-analytics-${var.instance_id}"
  size       = "db-s-2vcpu-4gb"
  region     = var.region
  tags       = ["instance-id:${var.instance_id}"]
}
