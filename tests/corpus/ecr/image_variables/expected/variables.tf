variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "massive"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-massive"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "ssm_massive_ui_image" {
  description = "Value of `/massive/ui/image`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "api_image" {
  description = "Full image reference of the API"
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/massive/api:7.0.3"
}

variable "tag" {
  type    = string
  default = "7.0.3"
}
