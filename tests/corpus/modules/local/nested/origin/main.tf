module "app" {
  source = "./modules/app"

  environment = "production"
}

output "assets_bucket" {
  value = module.app.assets_bucket
}
