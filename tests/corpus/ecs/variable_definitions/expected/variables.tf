variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "pied"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-pied"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "web_container_definitions" {
  description = "Container definitions of the web task, as JSON"
  type        = string
  default     = <<EOT
[
  {
    "name": "web",
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/web:1.9",
    "cpu": 256,
    "memory": 512,
    "portMappings": [{ "containerPort": 8000 }],
    "environment": [{ "name": "MODE", "value": "compress" }, { "name": "WORKERS", "value": 4 }]
  }
]
EOT
}

variable "workers" {
  type    = list(object({ name = string, image = string, command = list(string) }))
  default = [
    {
      name    = "thumbnailer"
      image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/worker:1.9"
      command = ["thumbs"]
    },
    {
      name    = "indexer"
      image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pied/worker:1.9"
      command = ["index", "--all"]
    },
  ]
}
