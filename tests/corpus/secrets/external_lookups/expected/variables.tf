variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "weyland"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "registry_name" {
  description = "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry)."
  type        = string
  default     = "ferry-weyland"
}

variable "create_registry" {
  description = "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account)."
  type        = bool
  default     = true
}

variable "app_license_key" {
  description = "Value of `arn:aws:secretsmanager:us-east-1:999999999999:secret:vendor/license-AbCdEf` (ECS `valueFrom` outside the stack) for the workload `app`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "app_sentry_dsn" {
  description = "Value of `arn:aws:ssm:us-east-1:999999999999:parameter/vendor/sentry-dsn` (ECS `valueFrom` outside the stack) for the workload `app`; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "secret_platform_datadog_api_key" {
  description = "Value of `platform/datadog-api-key`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "secret_platform_rds_master" {
  description = "Value of `platform/rds-master`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}
