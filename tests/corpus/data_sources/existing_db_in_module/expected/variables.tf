variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}

variable "db_warehouse_address" {
  description = "Host name of the existing database `warehouse`, which the appliance connects to; set when the appliance is deployed."
  type        = string
}

variable "db_warehouse_port" {
  description = "Port of the existing database `warehouse`, which the appliance connects to; set when the appliance is deployed."
  type        = number
}

variable "instance_id" {
  type = string
}
