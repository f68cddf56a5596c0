variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "api_image" {
  type    = string
  default = "ghcr.io/acme/api:3.4.1@sha256:9c2f5b1e4d3a7b6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
}
