variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "site" {
  bucket = "site-${var.instance_id}"
}

output "bucket_regional_domain_name" {
  value = aws_s3_bucket.site.bucket_regional_domain_name
}
