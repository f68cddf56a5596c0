provider "aws" {
  region = "us-east-1"
}

variable "alarm_topic_arn" {
  type    = string
  default = "arn:aws:sns:us-east-1:123456789012:ops"
}

# A droplet the vendor already writes for DigitalOcean, watched by a CloudWatch-style alarm.
resource "digitalocean_droplet" "worker" {
  name   = "worker-${var.instance_id}"
  image  = "ubuntu-24-04-x64"
  size   = "s-2vcpu-4gb"
  region = var.region
  tags   = ["instance-id:${var.instance_id}"]
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/shop/${var.instance_id}/app"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_stream" "app" {
  name           = "main"
  log_group_name = aws_cloudwatch_log_group.app.name
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  name           = "errors"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "ERROR"

  metric_transformation {
    name      = "ErrorCount"
    namespace = "Shop"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "worker_cpu" {
  alarm_name          = "worker-cpu-${var.instance_id}"
  alarm_description   = "Worker CPU above 80% for 10 minutes"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 80
  period              = 300
  evaluation_periods  = 2
  alarm_actions       = [var.alarm_topic_arn]

  dimensions = {
    InstanceId = digitalocean_droplet.worker.id
  }
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "app-errors-${var.instance_id}"
  namespace           = "Shop"
  metric_name         = "ErrorCount"
  statistic           = "Sum"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  period              = 60
  evaluation_periods  = 1
  alarm_actions       = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_composite_alarm" "service" {
  alarm_name = "service-health-${var.instance_id}"
  alarm_rule = "ALARM(${aws_cloudwatch_metric_alarm.worker_cpu.alarm_name}) OR ALARM(${aws_cloudwatch_metric_alarm.errors.alarm_name})"
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "shop-${var.instance_id}"
  dashboard_body = jsonencode({ widgets = [] })
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly-report-${var.instance_id}"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = var.alarm_topic_arn
}

output "log_group" {
  value = aws_cloudwatch_log_group.app.name
}

output "cpu_alarm" {
  value = aws_cloudwatch_metric_alarm.worker_cpu.arn
}
