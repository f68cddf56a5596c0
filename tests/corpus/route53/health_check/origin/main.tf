# Route 53 health checks (known gap #268): the HTTP check of the load balancer's `/health`
# becomes a `digitalocean_uptime_check` of the same URL (the load balancer's address, the port
# left out as HTTP's default, the AWS regions as DigitalOcean's where one is near), and the
# CloudWatch alarm on its status a `digitalocean_uptime_alert` of type `down` e-mailing the
# address the alarm's topic e-mailed. The TCP check becomes a ping (warned: the port is not
# checked); the calculated check, which combines others, is dropped with a warning. The
# record that names a check keeps its value: DigitalOcean DNS does not act on checks.
variable "instance_id" {
  type = string
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_route53_health_check" "web" {
  fqdn              = aws_lb.web.dns_name
  port              = 80
  type              = "HTTP"
  resource_path     = "/health"
  failure_threshold = 3
  request_interval  = 30
  regions           = ["us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1"]
  reference_name    = "web-health"
}

resource "aws_route53_health_check" "smtp" {
  ip_address = "203.0.113.10"
  port       = 25
  type       = "TCP"
}

resource "aws_route53_health_check" "all" {
  type                   = "CALCULATED"
  child_health_threshold = 2
  child_healthchecks     = [aws_route53_health_check.web.id, aws_route53_health_check.smtp.id]
}

resource "aws_sns_topic" "oncall" {
  name = "oncall"
}

resource "aws_sns_topic_subscription" "oncall" {
  topic_arn = aws_sns_topic.oncall.arn
  protocol  = "email"
  endpoint  = "oncall@example.com"
}

resource "aws_cloudwatch_metric_alarm" "web_down" {
  alarm_name          = "web-down"
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  statistic           = "Minimum"
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  period              = 60
  evaluation_periods  = 2
  alarm_actions       = [aws_sns_topic.oncall.arn]
  dimensions = {
    HealthCheckId = aws_route53_health_check.web.id
  }
}

resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "www" {
  zone_id         = aws_route53_zone.main.zone_id
  name            = "www.example.com"
  type            = "A"
  ttl             = 60
  records         = ["203.0.113.20"]
  health_check_id = aws_route53_health_check.web.id
}

output "web_check_id" {
  value = aws_route53_health_check.web.id
}
