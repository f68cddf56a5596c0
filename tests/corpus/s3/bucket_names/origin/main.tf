resource "aws_s3_bucket" "prefixed" {
  bucket_prefix = "acme-tmp-"
}

resource "aws_s3_bucket" "long" {
  bucket = "acme-analytics-clickstream-raw-events-archive-eu"
}

resource "aws_s3_bucket" "upper" {
  bucket = "Acme_Exports"
}

resource "aws_s3_bucket" "unnamed" {
}

resource "aws_s3_bucket" "ok" {
  bucket = "acme-ok-${var.instance_id}"
}

output "prefixed" {
  value = aws_s3_bucket.prefixed.id
}
