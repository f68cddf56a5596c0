variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "cognito_issuer" {
  type    = string
  default = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123"
}
