provider "aws" {
  region = "ap-southeast-2"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "cleanup_enabled" {
  type    = bool
  default = false
}

resource "aws_lambda_function" "cleanup" {
  function_name = "cleanup-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/cleanup"
  runtime       = "python3.12"
  handler       = "cleanup.run"
  filename      = "build/cleanup.zip"
  timeout       = 300
}

resource "aws_lambda_function" "digest" {
  function_name = "digest-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/digest"
  runtime       = "go1.x"
  handler       = "digest"
  filename      = "build/digest.zip"
}

resource "aws_cloudwatch_event_rule" "every_15_minutes" {
  name                = "cleanup-${var.instance_id}"
  description         = "Purge expired uploads"
  schedule_expression = "rate(15 minutes)"
  state               = var.cleanup_enabled ? "ENABLED" : "DISABLED"
}

resource "aws_cloudwatch_event_target" "cleanup" {
  rule      = aws_cloudwatch_event_rule.every_15_minutes.name
  target_id = "cleanup"
  arn       = aws_lambda_function.cleanup.arn
  input     = jsonencode({ older_than_days = 30 })
}

resource "aws_cloudwatch_event_rule" "weekday_digest" {
  name                = "digest-${var.instance_id}"
  schedule_expression = "cron(0 7 ? * 2-6 *)"
}

resource "aws_cloudwatch_event_target" "digest" {
  rule = aws_cloudwatch_event_rule.weekday_digest.name
  arn  = aws_lambda_function.digest.arn
}

resource "aws_lambda_permission" "events" {
  for_each = {
    cleanup = aws_cloudwatch_event_rule.every_15_minutes.arn
    digest  = aws_cloudwatch_event_rule.weekday_digest.arn
  }
  statement_id  = "AllowEvents-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = "${each.key}-${var.instance_id}"
  principal     = "events.amazonaws.com"
  source_arn    = each.value
}

resource "aws_cloudwatch_event_rule" "last_friday" {
  name                = "month-end-${var.instance_id}"
  schedule_expression = "cron(0 18 ? * 6L *)"
}

resource "aws_cloudwatch_event_target" "last_friday" {
  rule = aws_cloudwatch_event_rule.last_friday.name
  arn  = aws_lambda_function.digest.arn
}

resource "aws_sns_topic" "alerts" {
  name = "alerts-${var.instance_id}"
}

resource "aws_cloudwatch_event_rule" "ec2_state" {
  name = "ec2-state-${var.instance_id}"
  event_pattern = jsonencode({
    source      = ["aws.ec2"]
    detail-type = ["EC2 Instance State-change Notification"]
  })
}

resource "aws_cloudwatch_event_target" "ec2_state" {
  rule = aws_cloudwatch_event_rule.ec2_state.name
  arn  = aws_sns_topic.alerts.arn
}
