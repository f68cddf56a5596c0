variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "blr1"
}

variable "dns_domain" {
  description = "DNS domain (e.g. `example.com`) of the hosted zone the origin refers to by id, served by DigitalOcean DNS in the customer's account: its records are created there."
  type        = string
}

variable "domain" {
  type = string
}

variable "zone_id" {
  description = "Hosted zone of the parent domain"
  type        = string
  default     = null
}

variable "ingress_ips" {
  type    = list(string)
  default = ["192.0.2.1", "192.0.2.2"]
}

variable "mail_exchangers" {
  type    = map(object({ priority = number, host = string }))
  default = {
    primary = {
      priority = 10
      host     = "mx1.mail.example.net"
    }
    secondary = {
      priority = 20
      host     = "mx2.mail.example.net"
    }
  }
}

variable "txt_records" {
  type    = list(string)
  default = ["google-site-verification=abc123"]
}
