provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

locals {
  name = "billing-${var.instance_id}"
}

resource "aws_sqs_queue" "invoices" {
  name = "${local.name}-invoices"
}

resource "aws_db_instance" "billing" {
  identifier        = local.name
  engine            = "postgres"
  engine_version    = "16.3"
  instance_class    = "db.t3.medium"
  allocated_storage = 50
  username          = "billing"
  password          = "change-me-please"
}

resource "aws_ecr_repository" "worker" {
  name = "billing/worker-${var.instance_id}"
}

module "reports" {
  source = "./modules/reports"
  prefix = "reports-${var.instance_id}"
}
