provider "aws" {
  region = "us-east-1"
}

variable "ami_id" {
  type    = string
  default = "ami-0c55b159cbfafe1f0"
}

resource "aws_instance" "app" {
  count         = 2
  ami           = var.ami_id
  instance_type = "t3.small"

  tags = {
    Name = "legacy-app-${count.index}"
  }
}

resource "aws_acm_certificate" "legacy" {
  domain_name               = "legacy.example.com"
  subject_alternative_names = ["www.legacy.example.com"]
  validation_method         = "DNS"
}

resource "aws_security_group" "elb" {
  name = "legacy-elb"
}

resource "aws_security_group_rule" "https_in" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["192.0.2.0/24"]
  security_group_id = aws_security_group.elb.id
}

resource "aws_vpc_security_group_ingress_rule" "vpn" {
  security_group_id = aws_security_group.elb.id
  cidr_ipv4         = "10.8.0.0/16"
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
}

resource "aws_elb" "legacy" {
  name               = "legacy-elb"
  availability_zones = ["us-east-1a", "us-east-1b"]
  security_groups    = [aws_security_group.elb.id]

  listener {
    instance_port     = 8000
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }

  listener {
    instance_port      = 8000
    instance_protocol  = "http"
    lb_port            = 443
    lb_protocol        = "https"
    ssl_certificate_id = aws_acm_certificate.legacy.arn
  }

  health_check {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:8000/status"
    interval            = 30
  }

  instances                   = aws_instance.app[*].id
  cross_zone_load_balancing   = true
  idle_timeout                = 4000
  connection_draining         = true
  connection_draining_timeout = 400

  tags = {
    Name = "legacy-elb"
  }
}

output "elb_dns_name" {
  value = aws_elb.legacy.dns_name
}

output "elb_zone_id" {
  value = aws_elb.legacy.zone_id
}
