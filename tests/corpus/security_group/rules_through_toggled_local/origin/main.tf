# The shape of terraform-aws-modules/security-group (main.tf): two groups toggled by `count`,
# the rules and the instance reaching the one that exists through a local.
provider "aws" {
  region = "us-east-1"
}

variable "create_sg" {
  type    = bool
  default = true
}

variable "use_name_prefix" {
  type    = bool
  default = true
}

variable "security_group_id" {
  type    = string
  default = null
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "this" {
  count  = var.create_sg && !var.use_name_prefix ? 1 : 0
  name   = "web"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "this_name_prefix" {
  count       = var.create_sg && var.use_name_prefix ? 1 : 0
  name_prefix = "web-"
  vpc_id      = aws_vpc.main.id
}

locals {
  this_sg_id = var.create_sg ? concat(aws_security_group.this.*.id, aws_security_group.this_name_prefix.*.id, [""])[0] : var.security_group_id
}

resource "aws_security_group_rule" "http" {
  type              = "ingress"
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = local.this_sg_id
}

resource "aws_security_group_rule" "egress" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = local.this_sg_id
}

resource "aws_instance" "web" {
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [local.this_sg_id]
}

output "security_group_id" {
  value = local.this_sg_id
}
