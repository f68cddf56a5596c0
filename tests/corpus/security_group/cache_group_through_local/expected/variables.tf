variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "weyland"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "create_security_group" {
  type    = bool
  default = true
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}
