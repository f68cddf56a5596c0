provider "aws" {
  region = "us-east-1"
}

module "storage" {
  source = "./modules/storage"

  name       = "acme-files"
  versioned  = true
  expire_tmp = 3
}

output "files_bucket" {
  value = module.storage.bucket_name
}

output "files_domain" {
  value = module.storage.bucket_domain
}
