variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "fra1"
}

variable "instance_id" {
  type = string
}

variable "vpc_id" {
  type    = string
  default = null
}

variable "public_subnet_ids" {
  type    = list(string)
  default = null
}
