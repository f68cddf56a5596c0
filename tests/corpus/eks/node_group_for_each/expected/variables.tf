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
  type    = map(object({ instance_type = string, min = number, max = number }))
  default = {
    general = {
      instance_type = "m5.large"
      min           = 2
      max           = 4
    }
    compute = {
      instance_type = "c5.2xlarge"
      min           = 1
      max           = 6
    }
    memory = {
      instance_type = "r5.xlarge"
      min           = 1
      max           = 2
    }
  }
}
