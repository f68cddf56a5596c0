# An SNS topic that only CloudWatch alarms notify, with an email subscription and a policy
# (known gap #235, shape of smacky77/seiketsu-ai's cache module): DigitalOcean alerts notify by
# email themselves, so the topic, its subscription and its policy are dropped with a note
# instead of stopping the stack. A topic that also feeds a queue stays unsupported.
resource "aws_db_instance" "main" {
  identifier                  = "app-${var.instance_id}"
  engine                      = "postgres"
  engine_version              = "16"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_sns_topic" "alerts" {
  name = "alerts-${var.instance_id}"
}

resource "aws_sns_topic_subscription" "oncall" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "oncall@example.com"
}

resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "cloudwatch.amazonaws.com" }, Action = "sns:Publish", Resource = aws_sns_topic.alerts.arn }]
  })
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "db-cpu-${var.instance_id}"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  period              = 300
  evaluation_periods  = 1
  statistic           = "Average"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "db-storage-${var.instance_id}"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  comparison_operator = "LessThanThreshold"
  threshold           = 1000000000
  period              = 300
  evaluation_periods  = 1
  statistic           = "Average"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_sns_topic" "orders" {
  name = "orders-${var.instance_id}"
}

resource "aws_sqs_queue" "orders" {
  name = "orders-${var.instance_id}"
}

resource "aws_sns_topic_subscription" "orders" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.orders.arn
}

resource "aws_cloudwatch_metric_alarm" "orders_backlog" {
  alarm_name          = "orders-backlog-${var.instance_id}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 100
  period              = 300
  evaluation_periods  = 1
  statistic           = "Average"
  dimensions          = { QueueName = aws_sqs_queue.orders.name }
  alarm_actions       = [aws_sns_topic.orders.arn]
}

variable "instance_id" {
  type = string
}
