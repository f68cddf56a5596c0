variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}
