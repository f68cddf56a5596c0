module "db" {
  source         = "../../modules/db"
  instance_class = var.db_instance_class
  instance_id    = var.instance_id
  region         = var.region
  project_id     = var.project_id
}
