variable "buckets" {
  type    = set(string)
  default = ["media", "exports"]
}

resource "aws_s3_bucket" "this" {
  for_each = var.buckets
  bucket   = "app-${each.key}-${var.instance_id}"
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

output "bucket_names" {
  value = { for k, b in aws_s3_bucket.this : k => b.bucket }
}

output "media" {
  value = aws_s3_bucket.this["media"].arn
}
