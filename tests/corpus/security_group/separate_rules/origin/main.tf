provider "aws" {
  region = "eu-west-3"
}

variable "instance_id" {
  type = string
}

variable "app_ports" {
  type    = list(number)
  default = [8080, 8443]
}

resource "aws_security_group" "lb" {
  name_prefix = "lb-"
  description = "load balancer"

  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port       = 8080
    to_port         = 8443
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "application servers"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "bastion" {
  name = "bastion-${var.instance_id}"
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "203.0.113.7/32"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "bastion_all" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_security_group_rule" "app_from_lb" {
  count                    = length(var.app_ports)
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  source_security_group_id = aws_security_group.lb.id
  from_port                = var.app_ports[count.index]
  to_port                  = var.app_ports[count.index]
  protocol                 = "tcp"
}

resource "aws_security_group_rule" "app_ssh_from_bastion" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  source_security_group_id = aws_security_group.bastion.id
  from_port                = 22
  to_port                  = 22
  protocol                 = "tcp"
}

resource "aws_security_group_rule" "app_dns" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  from_port         = 53
  to_port           = 53
  protocol          = "udp"
  cidr_blocks       = ["10.0.0.2/32"]
}

resource "aws_security_group_rule" "app_https_out" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  prefix_list_ids   = ["pl-63a5400a"]
}

resource "aws_security_group_rule" "app_gre" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 0
  to_port           = 0
  protocol          = "47"
  cidr_blocks       = ["10.0.0.0/8"]
}

resource "aws_security_group_rule" "external" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.nano"
  vpc_security_group_ids = [aws_security_group.bastion.id]
}

resource "aws_instance" "app" {
  for_each               = toset(["blue", "green"])
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "m5.large"
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "app-${each.key}-${var.instance_id}"
  }
}

resource "aws_instance" "lb" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "c5.large"
  vpc_security_group_ids = [aws_security_group.lb.id]

  tags = {
    Name = "haproxy-${var.instance_id}"
  }
}
