variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "nyc3"
}

variable "db_db_address" {
  description = "Output `db_address` of the layer whose state `data.terraform_remote_state.db` read (the `s3` state `db/terraform.tfstate`): set it to that layer's deployment output of the same name when the appliance is deployed."
  type        = any
}

variable "db_db_port" {
  description = "Output `db_port` of the layer whose state `data.terraform_remote_state.db` read (the `s3` state `db/terraform.tfstate`): set it to that layer's deployment output of the same name when the appliance is deployed."
  type        = any
}

variable "db_db_password_parameter" {
  description = "Output `db_password_parameter` of the layer whose state `data.terraform_remote_state.db` read (the `s3` state `db/terraform.tfstate`): set it to that layer's deployment output of the same name when the appliance is deployed."
  type        = any
}
