variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "sfo3"
}

variable "instance_id" {
  type = string
}

variable "cluster_role_arn" {
  type    = string
  default = null
}

variable "node_role_arn" {
  type    = string
  default = null
}

variable "subnet_ids" {
  type    = list(string)
  default = null
}
