variable "lifecycle_rules" {
  type = list(object({
    id     = string
    prefix = string
    days   = number
  }))
  default = [
    { id = "tmp", prefix = "tmp/", days = 1 },
    { id = "cache", prefix = "cache/", days = 7 },
  ]
}

variable "cors_origins" {
  type    = list(string)
  default = ["https://app.example.com"]
}

resource "aws_s3_bucket" "work" {
  bucket = "acme-work-${var.instance_id}"
}

resource "aws_s3_bucket_lifecycle_configuration" "work" {
  bucket = aws_s3_bucket.work.id

  dynamic "rule" {
    for_each = var.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"
      filter {
        prefix = rule.value.prefix
      }
      expiration {
        days = rule.value.days
      }
    }
  }
}

resource "aws_s3_bucket_cors_configuration" "work" {
  bucket = aws_s3_bucket.work.id

  dynamic "cors_rule" {
    for_each = var.cors_origins
    iterator = origin
    content {
      allowed_methods = ["GET", "PUT"]
      allowed_origins = [origin.value]
    }
  }
}
