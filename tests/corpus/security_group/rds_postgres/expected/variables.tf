variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = null
}

variable "analyst_cidrs" {
  type    = list(string)
  default = ["192.0.2.0/28", "192.0.2.64/28"]
}
