terraform {
  required_version = ">= 1.6"

  # The key is passed per appliance: tofu init -backend-config="key=appliances/<id>/terraform.tfstate"
  backend "s3" {
    bucket         = "acme-terraform-state"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "reports" {
  bucket = "ledger-reports-${var.instance_id}"
}
