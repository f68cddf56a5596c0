provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

variable "customer_cert_pem" {
  type      = string
  sensitive = true
}

variable "customer_key_pem" {
  type      = string
  sensitive = true
}

resource "tls_private_key" "internal" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_self_signed_cert" "internal" {
  private_key_pem       = tls_private_key.internal.private_key_pem
  validity_period_hours = 8760
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]

  subject {
    common_name = "internal.example.com"
  }
}

resource "aws_acm_certificate" "internal" {
  private_key      = tls_private_key.internal.private_key_pem
  certificate_body = tls_self_signed_cert.internal.cert_pem
}

resource "aws_acm_certificate" "customer" {
  private_key       = var.customer_key_pem
  certificate_body  = var.customer_cert_pem
  certificate_chain = file("${path.module}/chain.pem")

  tags = {
    Name = "customer-${var.instance_id}"
  }
}

resource "aws_acm_certificate" "private_ca" {
  domain_name               = "svc.corp.example"
  certificate_authority_arn = "arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/abc"
}

resource "aws_lb" "edge" {
  name    = "edge-${var.instance_id}"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "edge" {
  name     = "edge-${var.instance_id}"
  port     = 8443
  protocol = "HTTPS"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "customer" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.customer.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.edge.arn
  }
}

resource "aws_lb_listener_certificate" "internal" {
  listener_arn    = aws_lb_listener.customer.arn
  certificate_arn = aws_acm_certificate.internal.arn
}

resource "aws_lb_listener" "legacy" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 8443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.edge.arn
  }
}

output "customer_certificate" {
  value = aws_acm_certificate.customer.id
}
