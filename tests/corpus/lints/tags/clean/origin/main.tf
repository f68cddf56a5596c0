provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

locals {
  common_tags = {
    team          = "platform"
    "instance-id" = var.instance_id
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags       = merge(local.common_tags, { Name = "ledger" })
}

resource "aws_db_instance" "ledger" {
  identifier        = "ledger-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "15.5"
  instance_class    = "db.t3.small"
  allocated_storage = 20
  username          = "ledger"
  password          = "change-me-please"
  tags              = local.common_tags
}

resource "aws_s3_bucket" "statements" {
  bucket = "ledger-statements-${var.instance_id}"
  tags   = local.common_tags
}

resource "aws_autoscaling_group" "workers" {
  name             = "ledger-workers-${var.instance_id}"
  min_size         = 1
  max_size         = 3
  desired_capacity = 1

  launch_template {
    id = "lt-0123456789abcdef0"
  }

  tag {
    key                 = "instance-id"
    value               = var.instance_id
    propagate_at_launch = true
  }
}

module "archive" {
  source = "./modules/archive"
  tags   = local.common_tags
}
