locals {
  name = "acme-${var.instance_id}"
  azs  = ["${var.aws_region}a", "${var.aws_region}b", "${var.aws_region}c"]

  common_tags = {
    Product   = "acme"
    Instance  = var.instance_id
    ManagedBy = "terraform"
  }
}

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}
