variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "instance_id" {
  type    = string
  default = "acme"
}

variable "node_groups" {
  type    = map(object({ instance_type = string, size = number }))
  default = {
    general = {
      instance_type = "m5.large"
      size          = 2
    }
    compute = {
      instance_type = "c5.2xlarge"
      size          = 1
    }
    memory = {
      instance_type = "r5.xlarge"
      size          = 1
    }
  }
}
