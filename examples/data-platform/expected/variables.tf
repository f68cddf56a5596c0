variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
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

variable "ingest_count" {
  description = "Number of ingest workers."
  type        = number
  default     = 2
}

variable "analytics_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}

variable "docdb_password" {
  type      = string
  sensitive = true
  default   = null
}
