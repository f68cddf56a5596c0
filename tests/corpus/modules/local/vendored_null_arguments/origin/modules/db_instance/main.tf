variable "create" {
  type    = bool
  default = true
}
variable "identifier" { type = string }
variable "engine" {
  type    = string
  default = null
}
variable "engine_version" {
  type    = string
  default = null
}
variable "instance_class" {
  type    = string
  default = null
}
variable "allocated_storage" {
  type    = string
  default = null
}
variable "username" {
  type    = string
  default = null
}
variable "password" {
  type    = string
  default = null
}
variable "replicate_source_db" {
  type    = string
  default = null
}
variable "snapshot_identifier" {
  type    = string
  default = null
}
variable "multi_az" {
  type    = bool
  default = false
}

locals {
  is_mssql = element(split("-", var.engine), 0) == "sqlserver"
}

resource "aws_db_instance" "this" {
  count = var.create && false == local.is_mssql ? 1 : 0

  identifier          = var.identifier
  engine              = var.engine
  engine_version      = var.engine_version
  instance_class      = var.instance_class
  allocated_storage   = var.allocated_storage
  username            = var.username
  password            = var.password
  replicate_source_db = var.replicate_source_db
  snapshot_identifier = var.snapshot_identifier
  multi_az            = var.multi_az
}

resource "aws_db_instance" "this_mssql" {
  count = var.create && local.is_mssql ? 1 : 0

  identifier          = var.identifier
  engine              = var.engine
  engine_version      = var.engine_version
  instance_class      = var.instance_class
  allocated_storage   = var.allocated_storage
  username            = var.username
  password            = var.password
  replicate_source_db = var.replicate_source_db
  snapshot_identifier = var.snapshot_identifier
  multi_az            = var.multi_az
}

output "this_db_instance_endpoint" {
  value = element(concat(coalescelist(aws_db_instance.this_mssql.*.endpoint, aws_db_instance.this.*.endpoint), [""]), 0)
}
