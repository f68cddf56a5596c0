# The security group names `aws_vpc.main`, but the VPC is `aws_vpc.eks`: Terraform rejects the
# origin (`Reference to undeclared resource`). Ferry says so where the reference is written.
resource "aws_vpc" "eks" {
  cidr_block = "10.0.0.0/18"
}

resource "aws_security_group" "allow_tls" {
  name   = "allow-tls-${var.instance_id}"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "allow_tls" {
  security_group_id = aws_security_group.allow_tls.id
  cidr_ipv4         = aws_vpc.main.cidr_block
  from_port         = 443
  ip_protocol       = "tcp"
  to_port           = 443
}

variable "instance_id" {
  type = string
}
