# A function named from a module input the caller sets (shape of omesh7/aws-portfolio
# `modules/lambda`, gap #149): the F501 note shows the name as written, not the value the
# module's default would give (`rag-ingest-`).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "project_suffix" {
  type    = string
  default = "portfolio"
}

module "lambda" {
  source         = "./modules/lambda"
  project_suffix = var.project_suffix
}
