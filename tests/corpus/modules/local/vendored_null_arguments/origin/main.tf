# A database module vendored from terraform-aws-modules/rds (v2, modules/db_instance): both
# instances are toggled by `count` on the engine's name (split/element), and every argument is
# passed through, most of them `null`.
provider "aws" {
  region = "eu-west-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

module "db" {
  source = "./modules/db_instance"

  identifier        = "orders-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "11.10"
  instance_class    = "db.t3.large"
  allocated_storage = 20
  username          = "orders_app"
  password          = var.db_password
}

output "db_endpoint" {
  value = module.db.this_db_instance_endpoint
}
