variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "ferry_relay_url" {
  description = "Ferry relay endpoint: every DigitalOcean API call goes through it."
  type        = string
  default     = "https://ferry.example.com/relay/v1/appliances/acme/do"
}

variable "ferry_session_token" {
  description = "Short-lived Ferry deploy-session credential (not a DigitalOcean token)."
  type        = string
  sensitive   = true
}

variable "instance_id" {
  type    = string
  default = "acme"
}
