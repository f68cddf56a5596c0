variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "gringotts"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "ssm_db_password" {
  description = "Value of the SSM parameter `/gringotts/$${var.instance_id}/db/password`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-gringotts"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "ssm_shared_vault_token" {
  description = "Value of `/shared/vault/token`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}
