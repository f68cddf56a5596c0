variable "instance_id" {
  type        = string
  description = "Customer appliance identifier"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "db_password" {
  type      = string
  sensitive = true
}
