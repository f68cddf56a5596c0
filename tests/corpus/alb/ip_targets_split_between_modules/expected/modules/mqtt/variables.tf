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

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry, created by module `modules/redis` (one registry per account)."
  type        = string
}

variable "ecs_cluster_id" {
  type    = string
  default = null
}

variable "mqtt_tg_arn" {
  type    = string
  default = null
}
