# pinkal-vansia/terraform-ansible-laravel (terraform-asg/modules/network/vpc): the VPC's range is
# looked up by the workspace the vendor applied in (`dev`, `prod`). An appliance is applied in a
# workspace of its own, which that map has no key for: the plan fails (F508). A map with a
# `default` entry, and names that only interpolate the workspace, are fine.
variable "instance_id" {
  type = string
}

variable "vpc_cidr_prefix" {
  type = map(string)
  default = {
    dev  = "10.1"
    prod = "10.2"
  }
}

variable "instance_types" {
  type = map(string)
  default = {
    default = "t3.small"
    prod    = "t3.large"
  }
}

resource "aws_vpc" "main" {
  cidr_block = "${lookup(var.vpc_cidr_prefix, terraform.workspace)}.0.0/16"

  tags = {
    Name = "${terraform.workspace}-vpc"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-0ac019f4fcb7cb7e6"
  instance_type = lookup(var.instance_types, terraform.workspace)

  tags = {
    Name = "${terraform.workspace}-web-${var.instance_id}"
  }
}

output "vpc_cidr_prefix" {
  value = lookup(var.vpc_cidr_prefix, terraform.workspace)
}
