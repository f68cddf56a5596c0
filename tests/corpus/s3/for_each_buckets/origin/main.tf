variable "buckets" {
  description = "Buckets of the appliance"
  type        = set(string)
  default     = ["uploads", "exports", "backups"]
}

resource "aws_s3_bucket" "this" {
  for_each = var.buckets

  bucket = "acme-${each.key}-${var.instance_id}"

  tags = {
    Purpose = each.key
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "deny_http" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [each.value.arn, "${each.value.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket" "single" {
  count  = 2
  bucket = "acme-shard-${count.index}-${var.instance_id}"
}

resource "aws_s3_bucket_versioning" "single" {
  count  = 2
  bucket = aws_s3_bucket.single[count.index].id
  versioning_configuration {
    status = "Suspended"
  }
}

output "bucket_names" {
  value = { for k, b in aws_s3_bucket.this : k => b.bucket }
}

output "bucket_arns" {
  value = [for b in aws_s3_bucket.this : b.arn]
}

output "uploads_domain" {
  value = aws_s3_bucket.this["uploads"].bucket_domain_name
}

output "shard_names" {
  value = aws_s3_bucket.single[*].id
}
