variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "db_address" {
  description = "Output `address` of the layer whose state `data.terraform_remote_state.db` read (the `s3` state `stage/data-stores/mysql/terraform.tfstate`): set it to that layer's deployment output of the same name when the appliance is deployed."
  type        = any
}

variable "db_port" {
  description = "Output `port` of the layer whose state `data.terraform_remote_state.db` read (the `s3` state `stage/data-stores/mysql/terraform.tfstate`): set it to that layer's deployment output of the same name when the appliance is deployed."
  type        = any
}

variable "db_remote_state_bucket" {
  default = null
}

variable "db_remote_state_key" {
  default = "stage/data-stores/mysql/terraform.tfstate"
}

variable "server_port" {
  default = 8080
}
