output "assets_bucket" {
  value = module.app.assets_bucket
}
