resource "digitalocean_spaces_bucket_object" "config" {
  region  = var.region
  bucket  = var.assets_bucket
  key     = "config/app.json"
  content = jsonencode({ vpc = var.vpc_id, cdn = var.assets_domain })
}
