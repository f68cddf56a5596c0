provider "aws" {
  region = "eu-west-1"
}

variable "log_retention_days" {
  type    = number
  default = 30
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs-${var.instance_id}"

  tags = {
    Team = "platform"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-app-logs"
    status = "Enabled"

    filter {
      prefix = "app/"
    }

    expiration {
      days = var.log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }

  rule {
    id     = "archive-audit"
    status = "Enabled"

    filter {
      prefix = "audit/"
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    expiration {
      days = 365
    }
  }

  rule {
    id     = "cleanup-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 3
    }
  }

  rule {
    id     = "expire-temporary"
    status = "Disabled"

    filter {
      tag {
        key   = "temporary"
        value = "true"
      }
    }

    expiration {
      days = 1
    }
  }

  rule {
    id     = "cold-only"
    status = "Enabled"

    filter {
      prefix = "cold/"
    }

    transition {
      days          = 0
      storage_class = "GLACIER_IR"
    }
  }

  rule {
    id     = "until-date"
    status = "Enabled"

    filter {
      and {
        prefix = "campaign/"
        tags   = {}
      }
    }

    expiration {
      date = "2030-01-01T00:00:00Z"
    }
  }
}

output "logs_bucket" {
  value = aws_s3_bucket.logs.bucket
}
