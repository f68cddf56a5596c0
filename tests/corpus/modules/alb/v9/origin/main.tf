provider "aws" {
  region = "us-west-2"
}

resource "aws_acm_certificate" "web" {
  domain_name       = "app.example.com"
  validation_method = "DNS"
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
}

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.9"

  name    = "acme-web"
  vpc_id  = "vpc-0123456789abcdef0"
  subnets = ["subnet-aaa", "subnet-bbb"]

  enable_deletion_protection = false

  security_group_ingress_rules = {
    all_http = {
      from_port   = 80
      to_port     = 80
      ip_protocol = "tcp"
      cidr_ipv4   = "0.0.0.0/0"
    }
    all_https = {
      from_port   = 443
      to_port     = 443
      ip_protocol = "tcp"
      cidr_ipv4   = "0.0.0.0/0"
    }
  }
  security_group_egress_rules = {
    all = {
      ip_protocol = "-1"
      cidr_ipv4   = "10.0.0.0/16"
    }
  }

  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      redirect = {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
    https = {
      port            = 443
      protocol        = "HTTPS"
      certificate_arn = aws_acm_certificate.web.arn
      forward = {
        target_group_key = "app"
      }
    }
  }

  target_groups = {
    app = {
      protocol    = "HTTP"
      port        = 8080
      target_type = "instance"
      target_id   = aws_instance.app.id
      health_check = {
        enabled  = true
        path     = "/healthz"
        matcher  = "200"
        interval = 15
      }
    }
  }
}

output "lb_dns" {
  value = module.alb.dns_name
}

output "lb_zone" {
  value = module.alb.zone_id
}

output "target_groups" {
  value = module.alb.target_groups
}
