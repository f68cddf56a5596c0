variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "instance_id" {
  type = string
}
