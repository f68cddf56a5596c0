variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "syd1"
}

variable "instance_id" {
  type = string
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
}
