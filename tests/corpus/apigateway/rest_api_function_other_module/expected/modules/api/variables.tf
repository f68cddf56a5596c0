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

variable "create_invoke_arn" {
  type = string
}

variable "get_invoke_arn" {
  type = string
}

variable "create_function" {
  type    = string
  default = null
}
