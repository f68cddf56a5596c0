variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sgp1"
}

variable "db_legacy_address" {
  description = "Host name of the existing database `legacy-oracle`, which the appliance connects to; set when the appliance is deployed."
  type        = string
}

variable "db_legacy_port" {
  description = "Port of the existing database `legacy-oracle`, which the appliance connects to; set when the appliance is deployed."
  type        = number
}

variable "db_legacy_db_name" {
  description = "Database name of the existing database `legacy-oracle`, which the appliance connects to; set when the appliance is deployed."
  type        = string
}

variable "db_legacy_master_username" {
  description = "Master user name of the existing database `legacy-oracle`, which the appliance connects to; set when the appliance is deployed."
  type        = string
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
