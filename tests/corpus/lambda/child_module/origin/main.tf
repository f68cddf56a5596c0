provider "aws" {
  region = "eu-west-3"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "media" {
  bucket = "media-${var.instance_id}"
}

module "thumbnails" {
  source      = "./modules/thumbnails"
  name        = "thumbs-${var.instance_id}"
  bucket_name = aws_s3_bucket.media.bucket
  sizes       = "128,512"
}

output "thumbnailer" {
  value = module.thumbnails.function_name
}
