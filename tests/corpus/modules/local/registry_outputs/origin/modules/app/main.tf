variable "vpc_id" {
  type = string
}

variable "assets_bucket" {
  type = string
}

variable "assets_domain" {
  type = string
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

resource "aws_s3_object" "config" {
  bucket  = var.assets_bucket
  key     = "config/app.json"
  content = jsonencode({ vpc = var.vpc_id, cdn = var.assets_domain })
}

output "config_key" {
  value = aws_s3_object.config.key
}
