# An HTTP API in one local module; its two functions are the one function of another module
# called twice, the routes reading each call's `invoke_arn` through module inputs (shape of
# hangrybear666/aws_cert_coding `aws_serverless_and_s3/terraform`).
provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

module "resize" {
  source  = "./modules/fn"
  purpose = "resize"
  runtime = "nodejs20.x"
}

module "etl" {
  source  = "./modules/fn"
  purpose = "etl"
  runtime = "python3.13"
}

module "api" {
  source            = "./modules/api"
  instance_id       = var.instance_id
  resize_invoke_arn = module.resize.invoke_arn
  etl_invoke_arn    = module.etl.invoke_arn
  resize_route      = "POST /upload/img"
  etl_route         = "POST /sheet"
}
