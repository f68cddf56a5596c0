variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "fra1"
}

variable "wp_nfs_size_gib" {
  description = "Size in GiB of the NFS share `wp` (at least 50; the file system it replaces grew with its data)"
  type        = number
  default     = 50
}
