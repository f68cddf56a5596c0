variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "tor1"
}

variable "instance_id" {
  type    = string
  default = "initech"
}
