variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "wayne"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "syd1"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-wayne"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "cluster_arn" {
  type    = string
  default = "arn:aws:ecs:ap-southeast-2:123456789012:cluster/shared"
}

variable "services" {
  type    = map(object({ cpu = number, memory = number, count = number, image = string }))
  default = {
    web = {
      cpu    = 512
      memory = 1024
      count  = 3
      image  = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/wayne/web:8.1"
    }
    search = {
      cpu    = 4096
      memory = 8192
      count  = 2
      image  = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/wayne/search:8.1"
    }
  }
}
