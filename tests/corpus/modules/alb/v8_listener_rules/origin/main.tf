# terraform-aws-modules/alb v6–v8: an HTTPS listener whose default action is a fixed response
# and whose traffic reaches the target groups through `https_listener_rules` (path patterns), and
# an HTTP listener that redirects to HTTPS. The rules become `aws_lb_listener_rule`s, so the load
# balancer forwards HTTPS (with the certificate) to the first rule's target group and its
# instances, and redirects HTTP to HTTPS.
resource "aws_instance" "app" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  tags = {
    Name = "app-${count.index}-${var.instance_id}"
  }
}

resource "aws_acm_certificate" "site" {
  domain_name       = "app.example.com"
  validation_method = "DNS"
}

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "6.8.0"

  name               = "acme-${var.instance_id}"
  load_balancer_type = "application"
  vpc_id             = "vpc-0123456789abcdef0"
  subnets            = ["subnet-aaa", "subnet-bbb"]

  target_groups = [
    {
      name_prefix      = "app-"
      backend_protocol = "HTTP"
      backend_port     = 80
      target_type      = "instance"
      health_check = {
        path = "/app/index.html"
      }
      targets = {
        vm1 = { target_id = aws_instance.app[0].id, port = 80 }
        vm2 = { target_id = aws_instance.app[1].id, port = 80 }
      }
    },
  ]

  http_tcp_listeners = [
    {
      port        = 80
      protocol    = "HTTP"
      action_type = "redirect"
      redirect = {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    },
  ]

  https_listeners = [
    {
      port            = 443
      protocol        = "HTTPS"
      certificate_arn = aws_acm_certificate.site.arn
      action_type     = "fixed-response"
      fixed_response = {
        content_type = "text/plain"
        message_body = "not found"
        status_code  = "404"
      }
    },
  ]

  https_listener_rules = [
    {
      https_listener_index = 0
      priority             = 1
      actions = [
        {
          type               = "forward"
          target_group_index = 0
        }
      ]
      conditions = [{
        path_patterns = ["/app*"]
      }]
    },
  ]
}

variable "instance_id" {
  type = string
}
