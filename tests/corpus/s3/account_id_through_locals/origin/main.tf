provider "aws" {
  region = "eu-west-2"
}

variable "environment" {
  default = "dev"
}

data "aws_caller_identity" "current" {}

# The account id reaches the names through two locals (samjsmart/tech-test, deploy/locals.tf).
locals {
  project_name = "tech-test"
  account_id   = "${data.aws_caller_identity.current.account_id}"
  global_csi   = "${local.project_name}-${var.environment}-${local.account_id}"
}

resource "aws_s3_bucket" "infrastructure" {
  bucket = "${local.global_csi}-infrastructure"
}

resource "aws_s3_bucket" "terraform_state" {
  bucket = "${local.global_csi}-terraform-state"
}
