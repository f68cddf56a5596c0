variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "domain" {
  description = "The appliance's DNS domain"
  type        = string
  default     = "acme-app.example.com"
}

variable "mail_host" {
  type    = string
  default = "mx.mailhost.example.net"
}
