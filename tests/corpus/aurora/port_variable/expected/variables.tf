variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "aurora_postgres_port" {
  type    = string
  default = "5432"
}

variable "instance_id" {
  type    = string
  default = "initech"
}
