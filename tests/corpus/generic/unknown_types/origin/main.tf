provider "aws" {
  region = "us-east-1"
}

resource "aws_foo_bar" "thing" {
  name = "made-up-${var.instance_id}"
  size = 3
}

data "aws_foo_lookup" "thing" {
  id = "abc"
}

resource "awscc_s3_bucket" "cc" {
  bucket_name = "cc-bucket-${var.instance_id}"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_lightsail_instance" "blog" {
  name              = "blog-${var.instance_id}"
  availability_zone = "us-east-1a"
  blueprint_id      = "wordpress"
  bundle_id         = "nano_3_0"
}

output "thing" {
  value = aws_foo_bar.thing.id
}

output "lookup" {
  value = data.aws_foo_lookup.thing.value
}

output "suffix" {
  value = random_id.suffix.hex
}
