# The distribution and its bucket live in sibling modules; the root passes the bucket's
# domain name from one to the other. The CDN endpoint keeps reading `var.origin_domain`,
# which the root sets to the Spaces bucket's domain name through the site module's output.
variable "instance_id" {
  type = string
}

module "site" {
  source      = "./modules/site"
  instance_id = var.instance_id
}

module "cdn" {
  source        = "./modules/cdn"
  origin_domain = module.site.bucket_regional_domain_name
}
