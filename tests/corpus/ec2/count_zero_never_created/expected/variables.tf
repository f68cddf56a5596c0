variable "instance_id" {
  description = "Identifier of this appliance; part of every name and tag that must be unique per customer account."
  type        = string
  default     = "weyland"
}

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

variable "ssm_aws_service_ami_amazon_linux_latest_amzn2_ami_hvm_x86_64_gp2" {
  description = "Value of `/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2`, a secret the origin reads but does not create; set when the appliance is deployed."
  type        = string
  sensitive   = true
}

variable "ami" {
  type    = string
  default = "ami-0abcdef1234567890"
}

variable "create_spare" {
  type    = bool
  default = false
}

variable "extra_buckets" {
  type    = map(string)
  default = {}
}
