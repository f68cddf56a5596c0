variable "region" {
  type = string
}

variable "bucket_name" {
  type = string
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "b" {
  bucket = var.bucket_name
}
