# One literal login handed to the database module and to a Secrets Manager module (shape of
# cloudacademy/stocks-app-eks `terraform/main.tf`, gap #147): DigitalOcean generates the
# cluster's password and names its admin user, so the secret holds the cluster's login, read
# through an output the database module gets, not the origin's literal.
provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

locals {
  rds = {
    master_username = "admin"
    master_password = "followthewhiterabbit"
    db_name         = "cloudacademy"
  }
}

module "aurora" {
  source          = "./modules/aurora"
  master_username = local.rds.master_username
  master_password = local.rds.master_password
  db_name         = local.rds.db_name
}

module "secretsmanager" {
  source          = "./modules/secretsmanager"
  master_username = local.rds.master_username
  master_password = local.rds.master_password
  db_name         = local.rds.db_name
}
