# Between-As/between-aws: one folder per environment calling ../../modules/*; the top of the
# repository holds no configuration.
variable "db_instance_class" {
  type = string
}

module "db" {
  source         = "../../modules/db"
  instance_class = var.db_instance_class
}
