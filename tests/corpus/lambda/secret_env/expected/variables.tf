variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
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

variable "secret_webhook_url" {
  description = "Field `url` of the Secrets Manager secret `orders-webhook-$${var.instance_id}`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "secret_orders_db_url" {
  description = "Value of `orders/db-url`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "instance_id" {
  type = string
}

variable "signing_key" {
  type      = string
  sensitive = true
}
