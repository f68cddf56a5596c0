variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "spaces_access_id" {
  description = "Spaces access key id (Spaces buckets are managed through the S3 API)."
  type        = string
  default     = null
  sensitive   = true
}

variable "spaces_secret_key" {
  description = "Spaces secret key; Ferry's controller injects it at deploy time."
  type        = string
  default     = null
  sensitive   = true
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "northwind"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = false
}

variable "secret_signing_key" {
  description = "Value of the Secrets Manager secret `$${local.name}/signing-key` (the origin stores it outside Terraform); set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "instance_id" {
  description = "Customer appliance id; part of every name."
  type        = string
  default     = "northwind"
}

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "allowed_origins" {
  description = "Web origins allowed to call the API."
  type        = list(string)
  default     = ["https://app.shortlinks.example"]
}

variable "jwt_issuer" {
  description = "OIDC issuer of the customer's identity provider."
  type        = string
  default     = "https://auth.shortlinks.example/"
}

variable "link_ttl_days" {
  type    = number
  default = 90
}
