variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "fra1"
}

variable "instance_id" {
  type        = string
  description = "Tenant identifier"
  default     = "acme"
}

variable "aws_region" {
  type    = string
  default = "eu-central-1"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.10/32"]
}
