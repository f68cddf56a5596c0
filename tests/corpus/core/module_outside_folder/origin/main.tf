# Between-As/between-aws (environments/production/main.tf), compiled on its own: the module
# lives two folders up, outside what Ferry was given.
module "aurora" {
  source         = "../../modules/aurora"
  instance_class = "db.t3.medium"
}

variable "instance_id" {
  type = string
}
