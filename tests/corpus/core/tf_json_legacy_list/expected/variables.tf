variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "trusted_ips" {
  default = "10.1.0.0/16,10.2.0.0/16"
}

variable "admin_password" {
  description = "first login password"
}
