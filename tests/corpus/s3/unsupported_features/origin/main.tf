resource "aws_s3_bucket" "events" {
  bucket = "acme-events-${var.instance_id}"
}

resource "aws_sqs_queue" "uploads" {
  name = "acme-uploads"
}

resource "aws_s3_bucket_notification" "events" {
  bucket = aws_s3_bucket.events.id

  queue {
    queue_arn     = aws_sqs_queue.uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "incoming/"
  }
}

resource "aws_s3_bucket_replication_configuration" "events" {
  role   = "arn:aws:iam::111122223333:role/replication"
  bucket = aws_s3_bucket.events.id

  rule {
    id     = "all"
    status = "Enabled"
    destination {
      bucket        = "arn:aws:s3:::acme-events-replica"
      storage_class = "STANDARD"
    }
  }
}

resource "aws_s3_bucket_intelligent_tiering_configuration" "events" {
  bucket = aws_s3_bucket.events.id
  name   = "EntireBucket"

  tiering {
    access_tier = "ARCHIVE_ACCESS"
    days        = 125
  }
}

resource "aws_s3_bucket_object_lock_configuration" "events" {
  bucket = aws_s3_bucket.events.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 5
    }
  }
}

resource "aws_s3_bucket_accelerate_configuration" "events" {
  bucket = aws_s3_bucket.events.id
  status = "Enabled"
}

resource "aws_s3_bucket_request_payment_configuration" "events" {
  bucket = aws_s3_bucket.events.id
  payer  = "Requester"
}

resource "aws_s3_bucket_analytics_configuration" "events" {
  bucket = aws_s3_bucket.events.id
  name   = "EntireBucket"
}

resource "aws_s3_bucket_inventory" "events" {
  bucket                   = aws_s3_bucket.events.id
  name                     = "EntireBucketDaily"
  included_object_versions = "All"

  schedule {
    frequency = "Daily"
  }

  destination {
    bucket {
      format     = "ORC"
      bucket_arn = aws_s3_bucket.events.arn
    }
  }
}

resource "aws_s3_bucket_metric" "events" {
  bucket = aws_s3_bucket.events.id
  name   = "EntireBucket"
}
