variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "syd1"
}

variable "instance_id" {
  type = string
}

variable "redis_auth_token" {
  type      = string
  sensitive = true
  default   = null
}
