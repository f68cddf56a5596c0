locals {
  rds = {
    master_username = "admin"
    master_password = "followthewhiterabbit"
    db_name         = "cloudacademy"
  }
}

module "aurora" {
  source          = "./modules/aurora"
  master_username = local.rds.master_username
  master_password = local.rds.master_password
  db_name         = local.rds.db_name
  instance_id     = var.instance_id
  region          = var.region
  project_id      = digitalocean_project.appliance.id
}

module "secretsmanager" {
  source          = "./modules/secretsmanager"
  master_username = module.aurora.cloudacademy_master_username
  master_password = module.aurora.cloudacademy_master_password
  db_name         = local.rds.db_name
  instance_id     = var.instance_id
  region          = var.region
  project_id      = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
