# The ACM registry module with DNS validation in a Route 53 zone of the stack, its certificate
# used by an HTTPS listener: one Let's Encrypt certificate, validation records absorbed.
variable "domain" {
  type    = string
  default = "shop.example.com"
}

resource "aws_route53_zone" "main" {
  name = "example.com"
}

module "acm" {
  source  = "terraform-aws-modules/acm/aws"
  version = "~> 5.0"

  domain_name               = var.domain
  zone_id                   = aws_route53_zone.main.zone_id
  subject_alternative_names = ["www.${var.domain}"]
  validation_method         = "DNS"
  wait_for_validation       = true

  tags = {
    Name = var.domain
  }
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = module.acm.acm_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

output "certificate" {
  value = module.acm.acm_certificate_arn
}
