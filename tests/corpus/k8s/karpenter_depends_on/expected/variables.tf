variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type = string
}

variable "node_pools" {
  type    = map(object({ cpu = string }))
  default = {
    airflow-core-components = {
      cpu = "40"
    }
  }
}
