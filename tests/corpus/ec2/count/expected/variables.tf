variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "blr1"
}

variable "instance_id" {
  type = string
}

variable "app_count" {
  type    = number
  default = 3
}
