# A local module outputs its whole HTTP API object (`value = aws_apigatewayv2_api.this`); the
# root reads AWS attribute names of it (`module.api.aws_api.api_endpoint`). The emitted output
# is an object of those names, so the root's reads still plan (gap #105; shape of
# hangrybear666/aws_cert_coding `modules/api_gateway/output.tf`, `output.tf`).
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

output "api_url" {
  value = module.api.aws_api.api_endpoint
}
