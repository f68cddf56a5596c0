variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "fra1"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "resize_digest" {
  type    = string
  default = "sha256:0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e"
}
