variable "buckets" {
  type    = set(string)
  default = ["exports", "imports"]
}

module "buckets" {
  source   = "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v4.1.2"
  for_each = var.buckets

  bucket = "acme-${each.key}-${var.instance_id}"

  versioning = {
    status = "Enabled"
  }
}

module "archive" {
  source  = "registry.terraform.io/terraform-aws-modules/s3-bucket/aws"
  version = "3.15.1"

  bucket_prefix = "acme-archive-"
  acl           = "private"
  create_bucket = true
}

output "archive_bucket" {
  value = module.archive.s3_bucket_id
}
