variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-globex"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "instance_id" {
  type    = string
  default = "globex"
}

variable "task_definitions" {
  type    = map(object({ image = string, cpu = number, memory = number, port = number }))
  default = {
    web = {
      image  = "globex/web:2.1"
      cpu    = 512
      memory = 1024
      port   = 8080
    }
    jobs = {
      image  = "globex/jobs:2.1"
      cpu    = 256
      memory = 512
      port   = 9000
    }
  }
}

variable "services" {
  type    = map(object({ family = string, desired_count = number, path = string }))
  default = null
}
