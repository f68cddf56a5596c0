module "assets" {
  source      = "../shared"
  purpose     = "assets-${var.environment}"
  instance_id = var.instance_id
  region      = var.region
  project_id  = var.project_id
}
