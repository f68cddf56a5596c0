resource "aws_s3_bucket" "b" {
  bucket = "relay-${var.instance_id}"
}
