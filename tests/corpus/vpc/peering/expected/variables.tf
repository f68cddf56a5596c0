variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "fra1"
}

variable "partner_vpc_id" {
  description = "VPC of the partner's account that the appliance peers with."
  type        = string
  default     = "vpc-0a1b2c3d4e5f60718"
}

variable "partner_account_id" {
  type    = string
  default = "123456789012"
}
