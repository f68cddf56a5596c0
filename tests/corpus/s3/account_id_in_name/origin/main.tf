provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  prefix     = "acme"
  data_name  = "${local.prefix}-${local.account_id}-data"
}

# The account id only makes the name unique: dropped with its separator.
resource "aws_s3_bucket" "transfer" {
  bucket = "${local.account_id}-transfer-bucket"
}

# Directly, in the middle, and with a dot.
resource "aws_s3_bucket" "logs" {
  bucket = "${local.prefix}-logs-${data.aws_caller_identity.current.account_id}-eu"
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets.${data.aws_caller_identity.current.account_id}"
}

# The name already carries the instance id.
resource "aws_s3_bucket" "uploads" {
  bucket = "${data.aws_caller_identity.current.account_id}-${var.instance_id}-uploads"
}

# The whole name is a local.
resource "aws_s3_bucket" "data" {
  bucket = local.data_name
}

# The account id is the whole name: kept as today (F401).
resource "aws_s3_bucket" "whole" {
  bucket = data.aws_caller_identity.current.account_id
}

# Not next to a separator: kept as today (F401).
resource "aws_s3_bucket" "glued" {
  bucket = "backup${local.account_id}"
}

output "account" {
  value = local.account_id
}
