variable "name" {
  description = "Bucket name (without the instance id)"
  type        = string
}

variable "versioned" {
  type    = bool
  default = false
}

variable "expire_tmp" {
  description = "Days after which tmp/ objects expire"
  type        = number
  default     = 7
}
