resource "aws_security_group" "admin" {
  name = "ssh"
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.admin.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "203.0.113.0/24"
}

output "id" {
  value = aws_security_group.admin.id
}
