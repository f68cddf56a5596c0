resource "aws_s3_bucket" "ok" {
  bucket = "fine-${var.instance_id}"
}
