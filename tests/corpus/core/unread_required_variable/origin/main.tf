# Variables that feed only AWS arguments Ferry does not carry over (the security group and the
# instance profile of an instance) become optional: the appliance must not ask for AWS ids it
# never uses. `ami_name` is still read and stays required; `allowed` has a validation block
# and is left as written.
variable "security_group" {}

variable "instance_profile" {
  type = string
}

variable "ami_name" {
  type = string
}

variable "allowed" {
  type = string
  validation {
    condition     = length(var.allowed) > 0
    error_message = "allowed must not be empty"
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [var.security_group]
  iam_instance_profile   = var.instance_profile

  tags = {
    Name = "web-${var.ami_name}"
  }
}
