variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "security_group" {
  default = null
}

variable "instance_profile" {
  type    = string
  default = null
}

variable "ami_name" {
  type = string
}

variable "allowed" {
  type = string

  validation {
    condition     = length(var.allowed) > 0
    error_message = "allowed must not be empty"
  }
}
