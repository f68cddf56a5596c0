variable "instance_id" {
  description = "Customer appliance identifier"
  type        = string
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
