provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

locals {
  company = "acme"
}

resource "aws_s3_bucket" "exports" {
  bucket = "${local.company}-customer-exports-${var.instance_id}"
}

resource "aws_s3_bucket" "scratch" {
  bucket_prefix = "acme-scratch-"
}

resource "aws_route53_zone" "internal" {
  name = "svc.internal"

  vpc {
    vpc_id = "vpc-0123456789abcdef0"
  }
}

resource "aws_cognito_user_pool" "users" {
  name = "users-${var.instance_id}"
}

resource "aws_cognito_user_pool_domain" "login" {
  domain       = "acme-login-${var.instance_id}"
  user_pool_id = aws_cognito_user_pool.users.id
}
