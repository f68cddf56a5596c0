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
  bucket = "${local.company}-customer-exports"
}

resource "aws_cognito_user_pool" "users" {
  name = "users-${var.instance_id}"
}

resource "aws_cognito_user_pool_domain" "login" {
  domain       = "acme-login"
  user_pool_id = aws_cognito_user_pool.users.id
}

resource "digitalocean_container_registry" "images" {
  name                   = "acme-images"
  subscription_tier_slug = "basic"
}
