variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
}

variable "project_id" {
  description = "The appliance's DigitalOcean project."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "source_arn" {
  type = string
}

variable "source_name" {
  type = string
}
