variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
}

variable "project_id" {
  description = "The appliance's DigitalOcean project."
  type        = string
}

variable "create" {
  type    = bool
  default = true
}

variable "identifier" {
  type = string
}

variable "engine" {
  type    = string
  default = null
}

variable "engine_version" {
  type    = string
  default = null
}

variable "instance_class" {
  type    = string
  default = null
}

variable "allocated_storage" {
  type    = string
  default = null
}

variable "username" {
  type    = string
  default = null
}

variable "password" {
  type    = string
  default = null
}

variable "replicate_source_db" {
  type    = string
  default = null
}

variable "snapshot_identifier" {
  type    = string
  default = null
}

variable "multi_az" {
  type    = bool
  default = false
}
