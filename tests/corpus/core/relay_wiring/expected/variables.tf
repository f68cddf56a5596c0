variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "acme-prod"
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "ferry_relay_url" {
  description = "Ferry relay endpoint: every DigitalOcean API call goes through it."
  type        = string
  default     = "https://ferry.example.com/relay/v1/appliances/acme-prod/do"
}

variable "ferry_session_token" {
  description = "Short-lived Ferry deploy-session credential (not a DigitalOcean token)."
  type        = string
  sensitive   = true
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
