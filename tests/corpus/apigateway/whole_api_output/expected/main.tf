module "resize" {
  source        = "./modules/fn"
  purpose       = "resize"
  runtime       = "nodejs20.x"
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "etl" {
  source        = "./modules/fn"
  purpose       = "etl"
  runtime       = "python3.13"
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "api" {
  source            = "./modules/api"
  instance_id       = var.instance_id
  resize_invoke_arn = module.resize.invoke_arn
  etl_invoke_arn    = module.etl.invoke_arn
  resize_route      = "POST /upload/img"
  etl_route         = "POST /sheet"
  region            = var.region
  project_id        = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
