variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "tor1"
}

variable "instance_id" {
  type = string
}

variable "ami_id" {
  type    = string
  default = "ami-0a1b2c3d4e5f67890"
}
