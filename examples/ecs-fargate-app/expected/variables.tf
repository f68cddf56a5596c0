variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-northwind"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "smtp_password" {
  description = "Password of the transactional mail relay"
  type        = string
  sensitive   = true
}

variable "instance_id" {
  description = "Customer appliance identifier"
  type        = string
  default     = "northwind"
}

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "domain_name" {
  description = "Public domain of the appliance"
  type        = string
  default     = "orders.northwind.example"
}

variable "app_version" {
  description = "Release of the application images"
  type        = string
  default     = "3.8.2"
}

variable "api_desired_count" {
  type    = number
  default = 2
}

variable "worker_max_count" {
  type    = number
  default = 8
}
