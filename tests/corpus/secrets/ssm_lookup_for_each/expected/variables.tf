variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "weyland"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-weyland"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "ssm_vendor_license_key" {
  description = "Value of `/vendor/license-key`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "ssm_vendor_smtp_password" {
  description = "Value of `/vendor/smtp/password`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "ssm_extra" {
  description = "Value of `extra`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "extra_parameters" {
  type = list(string)
}
