variable "environment" {
  type = string
}

module "assets" {
  source = "../shared"

  purpose = "assets-${var.environment}"
}

output "assets_bucket" {
  value = module.assets.bucket
}
