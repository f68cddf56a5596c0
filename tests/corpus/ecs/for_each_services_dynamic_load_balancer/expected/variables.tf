variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-initech"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "instance_id" {
  type    = string
  default = "initech"
}

variable "services" {
  type    = map(object({ image = string, port = number, public_subdomain = optional(string) }))
  default = {
    api = {
      image            = "ghcr.io/acme/api:1.0"
      port             = 8000
      public_subdomain = "api"
    }
    mlflow = {
      image            = "ghcr.io/mlflow/mlflow:v2.14.1"
      port             = 5000
      public_subdomain = "mlflow"
    }
    producer = {
      image = "ghcr.io/acme/producer:1.0"
      port  = 9000
    }
  }
}
