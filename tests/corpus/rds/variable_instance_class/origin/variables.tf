variable "instance_id" {
  type = string
}

variable "aws_region" {
  type    = string
  default = "us-west-1"
}

variable "app_name" {
  type    = string
  default = "inventory"
}

variable "postgres_version" {
  type    = string
  default = "15"
}

variable "db_instance_class" {
  type    = string
  default = "db.r6g.large"
}

variable "db_storage_gb" {
  type    = number
  default = 50
}

variable "ha" {
  type    = bool
  default = false
}
