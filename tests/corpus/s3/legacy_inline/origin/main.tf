# Written for the AWS provider v3: every bucket setting inline.
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "media" {
  bucket = "acme-media"
  acl    = "public-read"

  versioning {
    enabled = true
  }

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://www.example.com"]
    max_age_seconds = 3600
  }

  lifecycle_rule {
    id      = "thumbnails"
    enabled = true
    prefix  = "thumbs/"

    expiration {
      days = 90
    }

    noncurrent_version_expiration {
      days = 30
    }
  }

  lifecycle_rule {
    id                                     = "originals"
    enabled                                = true
    prefix                                 = "originals/"
    abort_incomplete_multipart_upload_days = 7

    transition {
      days          = 60
      storage_class = "GLACIER"
    }
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }

  website {
    index_document = "index.html"
    error_document = "error.html"
  }

  logging {
    target_bucket = "acme-central-logs"
    target_prefix = "media/"
  }

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::acme-media/*"
    }
  ]
}
EOF

  tags = {
    Name = "media"
  }
}

output "media_bucket" {
  value = aws_s3_bucket.media.bucket
}

output "media_website" {
  value = aws_s3_bucket.media.website_endpoint
}
