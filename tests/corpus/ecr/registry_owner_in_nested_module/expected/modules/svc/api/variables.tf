variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
}

variable "project_id" {
  description = "The appliance's DigitalOcean project."
  type        = string
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-initech"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}
