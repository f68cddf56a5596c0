# A module gives its `password` input to the database and passes it out again for the
# application (shape of HumanSignal/label-studio-terraform `terraform/aws/modules/rds`):
# DigitalOcean generates the cluster's password, so the output reads that one (gap #133).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

module "rds" {
  source      = "./modules/rds"
  instance_id = var.instance_id
  password    = var.db_password
}

output "database_url" {
  value     = "postgresql://${module.rds.username}:${module.rds.password}@${module.rds.host}/labelstudio"
  sensitive = true
}
