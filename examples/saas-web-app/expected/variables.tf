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

variable "aws_region" {
  description = "AWS region of the origin deployment."
  type        = string
  default     = "us-east-1"
}

variable "instance_id" {
  description = "Unique id of this deployment (customer appliance)."
  type        = string
}

variable "domain_name" {
  description = "Public DNS zone of the product."
  type        = string
  default     = "app.example.com"
}

variable "db_instance_class" {
  type    = string
  default = "db.m5.large"
}

variable "node_instance_type" {
  type    = string
  default = "m5.xlarge"
}

variable "cache_node_type" {
  type    = string
  default = "cache.t3.medium"
}
