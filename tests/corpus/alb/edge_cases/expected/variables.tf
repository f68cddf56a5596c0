variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "ams3"
}

variable "instance_id" {
  type = string
}

variable "existing_alb_arn" {
  type    = string
  default = null
}
