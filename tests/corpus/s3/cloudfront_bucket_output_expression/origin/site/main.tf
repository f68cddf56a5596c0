# The module outputs a domain name it builds from the bucket's name, not the bucket's own
# domain name: Ferry does not follow it, and the distribution stays unsupported (F302).
variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "site" {
  bucket = "site-${var.instance_id}"
}

output "bucket_regional_domain_name" {
  value = "${aws_s3_bucket.site.bucket}.s3.amazonaws.com"
}
