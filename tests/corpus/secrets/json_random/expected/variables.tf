variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "nakatomi"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sfo3"
}

variable "secret_app_username" {
  description = "Field `username` of the Secrets Manager secret `nakatomi/$${var.instance_id}/app`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "secret_app_api_secret" {
  description = "Field `api_secret` of the Secrets Manager secret `nakatomi/$${var.instance_id}/app`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "secret_stripe" {
  description = "Value of the Secrets Manager secret `nakatomi-stripe-` (the origin stores it outside Terraform); set when the appliance is deployed."
  type        = string
  sensitive   = true
}
