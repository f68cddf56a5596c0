variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}
