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

variable "instance_id" {
  type = string
}

variable "versioning_status" {
  type    = string
  default = "Enabled"
}
