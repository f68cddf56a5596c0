variable "instance_id" {
  description = "Customer appliance id; part of every name."
  type        = string
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
