variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "airflow_nfs_size_gib" {
  description = "Size in GiB of the NFS share `airflow` (at least 50; the file system it replaces grew with its data)"
  type        = number
  default     = 50
}

variable "instance_id" {
  type = string
}
