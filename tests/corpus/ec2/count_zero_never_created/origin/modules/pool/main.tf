variable "enabled" {
  type    = bool
  default = true
}

variable "ami" {
  type = string
}

# Its caller turns it off with a literal: never created, nothing emitted or reported.
resource "aws_instance" "node" {
  count         = var.enabled ? 1 : 0
  ami           = var.ami
  instance_type = "t3.small"
}

output "node_ids" {
  value = aws_instance.node[*].id
}
