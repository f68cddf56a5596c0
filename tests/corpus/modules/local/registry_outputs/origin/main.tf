provider "aws" {
  region = "ap-southeast-1"
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"

  name = "acme-${var.instance_id}"
  cidr = "10.30.0.0/16"
}

module "assets" {
  source = "terraform-aws-modules/s3-bucket/aws"

  bucket = "acme-assets-${var.instance_id}"
}

module "app" {
  source = "./modules/app"

  vpc_id        = module.vpc.vpc_id
  assets_bucket = module.assets.s3_bucket_id
  assets_domain = module.assets.s3_bucket_bucket_regional_domain_name
  subnet_ids    = module.vpc.private_subnets
}

output "app_config_key" {
  value = module.app.config_key
}
