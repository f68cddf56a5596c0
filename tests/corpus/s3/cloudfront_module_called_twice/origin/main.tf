# The CDN module is called twice with different origins: its `var.origin_domain` has two
# values, so Ferry does not follow it to a bucket and the distribution stays unsupported
# (F302), as before cross-module wiring.
variable "instance_id" {
  type = string
}

module "site" {
  source      = "./modules/site"
  instance_id = var.instance_id
}

module "docs" {
  source      = "./modules/site"
  instance_id = "docs-${var.instance_id}"
}

module "cdn" {
  source        = "./modules/cdn"
  origin_domain = module.site.bucket_regional_domain_name
}

module "docs_cdn" {
  source        = "./modules/cdn"
  origin_domain = module.docs.bucket_regional_domain_name
}
