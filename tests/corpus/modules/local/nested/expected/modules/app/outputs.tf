output "assets_bucket" {
  value = module.assets.bucket
}
