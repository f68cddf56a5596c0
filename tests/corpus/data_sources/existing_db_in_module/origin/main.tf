# Only a local module reads an existing database: the inputs that stand for it (F311) are
# declared in the module and passed on by its caller, so the root asks the operator for them.
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

module "reports" {
  source      = "./modules/reports"
  instance_id = var.instance_id
}
