variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}
