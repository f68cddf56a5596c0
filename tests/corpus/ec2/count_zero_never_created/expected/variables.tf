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

variable "ami" {
  type    = string
  default = "ami-0abcdef1234567890"
}

variable "create_spare" {
  type    = bool
  default = false
}

variable "extra_buckets" {
  type    = map(string)
  default = {}
}
