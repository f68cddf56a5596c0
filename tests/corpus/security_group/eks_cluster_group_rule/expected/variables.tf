variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "outside_group" {
  type    = string
  default = "sg-0123456789abcdef0"
}
