variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sfo3"
}

variable "instance_id" {
  type = string
}

variable "customer_cert_pem" {
  type      = string
  sensitive = true
}

variable "customer_key_pem" {
  type      = string
  sensitive = true
}
