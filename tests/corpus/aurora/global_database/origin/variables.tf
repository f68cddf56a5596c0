variable "instance_id" {
  type = string
}
