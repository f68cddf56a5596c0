# A read replica in a module of its own, its source passed in by the caller (shape of
# amiros89/Portfolio `DevOps/Terraform/rds`, gap #135): the replica's module reaches the
# primary's cluster through the module outputs, by URN (a cross-region replica's `arn`) or by
# name (a same-region replica's `identifier`).
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

module "rds" {
  source      = "./modules/rds"
  instance_id = var.instance_id
}

module "replica" {
  source      = "./modules/replica"
  instance_id = var.instance_id
  source_arn  = module.rds.arn
  source_name = module.rds.identifier
}

output "reporting_host" {
  value = module.replica.reporting_address
}
