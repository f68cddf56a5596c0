module "functions" {
  source        = "./modules/fn"
  instance_id   = var.instance_id
  registry_name = var.registry_name
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "api" {
  source            = "./modules/api"
  instance_id       = var.instance_id
  create_invoke_arn = module.functions.create_invoke_arn
  get_invoke_arn    = module.functions.get_invoke_arn
  create_function   = module.functions.create_function_name
  region            = var.region
  project_id        = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
