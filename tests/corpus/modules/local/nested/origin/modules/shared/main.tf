variable "purpose" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-${var.purpose}-${var.instance_id}"
}

output "bucket" {
  value = aws_s3_bucket.this.bucket
}
