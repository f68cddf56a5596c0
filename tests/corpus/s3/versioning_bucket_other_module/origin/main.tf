# Jai1inmillion/three-tier-multi-region (`main.tf`, `modules/three_tier`): the root versions the
# code bucket of a module it calls twice (`bucket = module.primary.code_bucket`), which was an
# F306 error "configures a bucket that is not part of the stack" (known gap #267). The bucket's
# module adopts the setting (its status read from the root's variable) and folds it into the
# Spaces bucket; both calls set it alike, so the module's one bucket is versioned.
variable "instance_id" {
  type = string
}

variable "versioning_status" {
  type    = string
  default = "Enabled"
}

module "primary" {
  source      = "./modules/site"
  name_prefix = "app-primary"
}

module "secondary" {
  source      = "./modules/site"
  name_prefix = "app-secondary"
}

resource "aws_s3_bucket_versioning" "primary" {
  bucket = module.primary.code_bucket
  versioning_configuration {
    status = var.versioning_status
  }
}

resource "aws_s3_bucket_versioning" "secondary" {
  bucket = module.secondary.code_bucket
  versioning_configuration {
    status = var.versioning_status
  }
}
