variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
}

variable "project_id" {
  description = "The appliance's DigitalOcean project."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "resize_invoke_arn" {
  type = string
}

variable "etl_invoke_arn" {
  type = string
}

variable "resize_route" {
  type    = string
  default = null
}

variable "etl_route" {
  type    = string
  default = null
}
