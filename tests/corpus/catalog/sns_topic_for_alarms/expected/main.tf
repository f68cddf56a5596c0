resource "digitalocean_database_cluster" "main" {
  name             = "app-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "app"
}

resource "digitalocean_monitor_alert" "db_cpu" {
  description = "db-cpu-${var.instance_id}"
  type        = "v1/dbaas/alerts/cpu_alerts"
  compare     = "GreaterThan"
  value       = 80
  window      = "5m"
  entities    = [digitalocean_database_cluster.main.id]
  tags        = ["instance-id:${var.instance_id}"]

  alerts {
    email = ["oncall@example.com"]
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
  resources = flatten([[digitalocean_database_cluster.main.urn]])
}
