locals {
  versioned = [{ enabled = true }]
}

resource "aws_s3_bucket" "b" {
  bucket = "dyn-${var.instance_id}"

  dynamic "versioning" {
    for_each = local.versioned
    content {
      enabled = versioning.value.enabled
    }
  }
}

resource "aws_s3_bucket" "c" {
  bucket = "dyn2-${var.instance_id}"

  dynamic "versioning" {
    for_each = aws_s3_bucket.b.tags_all
    content {
      enabled = true
    }
  }
}
