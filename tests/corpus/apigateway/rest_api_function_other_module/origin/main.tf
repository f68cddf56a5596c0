# A REST API in one local module, its functions in another: the integrations' `uri` is a module
# input the root sets from the function module's `invoke_arn` output (shape of
# beingbiplov/Digital-Certificate-Verification-System).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

module "functions" {
  source      = "./modules/fn"
  instance_id = var.instance_id
}

module "api" {
  source             = "./modules/api"
  instance_id        = var.instance_id
  create_invoke_arn  = module.functions.create_invoke_arn
  get_invoke_arn     = module.functions.get_invoke_arn
  create_function    = module.functions.create_function_name
}

output "api_url" {
  value = module.api.api_url
}
