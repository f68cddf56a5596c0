variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "ams3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-tyrell"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "scratch_nfs_size_gib" {
  description = "Size in GiB of the NFS share `scratch` (at least 50; the file system it replaces grew with its data)"
  type        = number
  default     = 50
}

variable "instance_id" {
  type    = string
  default = "tyrell"
}
