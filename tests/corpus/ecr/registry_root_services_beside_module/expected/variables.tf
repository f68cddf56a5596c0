variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "initech"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}
