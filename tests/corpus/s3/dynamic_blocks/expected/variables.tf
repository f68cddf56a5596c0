variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "lifecycle_rules" {
  type    = list(object({ id = string, prefix = string, days = number }))
  default = [
    {
      id     = "tmp"
      prefix = "tmp/"
      days   = 1
    },
    {
      id     = "cache"
      prefix = "cache/"
      days   = 7
    },
  ]
}

variable "cors_origins" {
  type    = list(string)
  default = ["https://app.example.com"]
}
