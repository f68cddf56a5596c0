variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sgp1"
}

variable "instance_id" {
  type = string
}
