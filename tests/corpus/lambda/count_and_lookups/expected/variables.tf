variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "blr1"
}

variable "registry_name" {
  description = "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>)."
  type        = string
}

variable "instance_id" {
  type = string
}

variable "worker_count" {
  type    = number
  default = 3
}

variable "worker_env" {
  type    = map(string)
  default = {
    QUEUE_PREFIX = "jobs"
    LOG_FORMAT   = "json"
  }
}
