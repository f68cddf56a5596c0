variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "syd1"
}

variable "instance_id" {
  type = string
}

variable "web_count" {
  type    = number
  default = 3
}
