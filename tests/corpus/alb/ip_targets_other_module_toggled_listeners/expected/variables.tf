variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "environment" {
  type = string
}

variable "domain_name" {
  type    = string
  default = ""
}
