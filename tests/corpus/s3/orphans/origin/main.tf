variable "existing_bucket" {
  description = "A bucket created outside this stack"
  type        = string
  default     = "acme-shared"
}

variable "enable_versioning" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data-${var.instance_id}"
}

resource "aws_s3_bucket_versioning" "data" {
  count  = var.enable_versioning ? 1 : 0
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_versioning" "existing" {
  bucket = var.existing_bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_object" "marker" {
  bucket  = var.existing_bucket
  key     = "marker"
  content = "x"
}
