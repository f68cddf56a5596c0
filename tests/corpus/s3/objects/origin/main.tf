resource "aws_s3_bucket" "config" {
  bucket = "acme-config-${var.instance_id}"
}

resource "aws_s3_object" "settings" {
  bucket       = aws_s3_bucket.config.id
  key          = "settings/app.json"
  content      = jsonencode({ feature_flags = { beta = false } })
  content_type = "application/json"
}

resource "aws_s3_object" "logo" {
  bucket        = aws_s3_bucket.config.bucket
  key           = "static/logo.png"
  source        = "${path.module}/files/logo.png"
  etag          = filemd5("${path.module}/files/logo.png")
  content_type  = "image/png"
  cache_control = "max-age=86400"
  acl           = "public-read"
  storage_class = "STANDARD_IA"
  metadata = {
    owner = "design"
  }
}

resource "aws_s3_bucket_object" "readme" {
  bucket                 = "acme-config-${var.instance_id}"
  key                    = "README.txt"
  content                = "Configuration bucket of the appliance."
  server_side_encryption = "aws:kms"
  kms_key_id             = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
}

output "settings_key" {
  value = aws_s3_object.settings.key
}

output "settings_etag" {
  value = aws_s3_object.settings.etag
}
