variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "certificate_arn" {
  type    = string
  default = null
}

variable "domain" {
  type    = string
  default = "example.com"
}
