variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "vpc_cidr_prefix" {
  type    = map(string)
  default = {
    dev  = "10.1"
    prod = "10.2"
  }
}

variable "instance_types" {
  type    = map(string)
  default = {
    default = "t3.small"
    prod    = "t3.large"
  }
}
