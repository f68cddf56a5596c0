variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "alarm_topic_arn" {
  type    = string
  default = "arn:aws:sns:us-east-1:123456789012:ops"
}
