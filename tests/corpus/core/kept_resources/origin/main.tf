resource "random_id" "suffix" {
  byte_length = 4
}

resource "digitalocean_tag" "team" {
  name = "team-payments"
}

resource "aws_s3_bucket" "b" {
  bucket = "kept-${random_id.suffix.hex}-${var.instance_id}"
}

resource "null_resource" "after" {
  triggers = {
    bucket = aws_s3_bucket.b.arn
  }
}
