variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type    = string
  default = "initech"
}

variable "db" {
  type    = object({ engine = optional(string, "postgres"), version = optional(string, "16"), class = optional(string, "db.t3.medium") })
  default = {}
}
