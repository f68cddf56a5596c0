module "reports" {
  source               = "./modules/reports"
  instance_id          = var.instance_id
  registry_name        = var.registry_name
  db_warehouse_address = var.db_warehouse_address
  db_warehouse_port    = var.db_warehouse_port
  region               = var.region
  project_id           = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.reports.kubernetes_cluster_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
