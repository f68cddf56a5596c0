variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "office_cidrs" {
  type    = list(string)
  default = ["198.51.100.0/24"]
}
