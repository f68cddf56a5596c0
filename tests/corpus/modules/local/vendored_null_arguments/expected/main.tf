module "db" {
  source            = "./modules/db_instance"
  identifier        = "orders-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "11.10"
  instance_class    = "db.t3.large"
  allocated_storage = 20
  username          = "orders_app"
  password          = var.db_password
  instance_id       = var.instance_id
  region            = var.region
  project_id        = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
