variable "project" {
  type    = string
  default = "acme"
}

locals {
  # `var.environment` is declared nowhere: Terraform rejects the stack.
  prefix = "${var.project}-${var.environment}"
}

resource "aws_s3_bucket" "assets" {
  # `var.instance_id` is not declared either, but the compiled stack declares it.
  bucket = "${local.prefix}-assets-${var.instance_id}"

  tags = {
    Owner = var.owner
    Team  = var.owner
  }
}

module "logs" {
  source = "./modules/bucket"
  # A module input: the child declares `name`; `var.project` is the root's.
  name = "${var.project}-logs"
}

output "bucket" {
  value = aws_s3_bucket.assets.bucket
}
