variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sfo3"
}

variable "instance_id" {
  type = string
}

variable "data_volume_gib" {
  type    = number
  default = 100
}
