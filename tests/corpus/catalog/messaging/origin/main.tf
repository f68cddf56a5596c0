provider "aws" {
  region = "us-west-2"
}

locals {
  prefix = "orders-${var.instance_id}"
}

resource "aws_dynamodb_table" "orders" {
  name         = "${local.prefix}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }
}

resource "aws_dynamodb_table_replica" "orders_eu" {
  global_table_arn = aws_dynamodb_table.orders.arn
}

resource "aws_sqs_queue" "dlq" {
  name = "${local.prefix}-dlq"
}

resource "aws_sqs_queue" "jobs" {
  name                       = "${local.prefix}-jobs"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sns_topic" "events" {
  name = "${local.prefix}-events"
}

resource "aws_sns_topic_subscription" "jobs" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.jobs.arn
}

resource "aws_kinesis_stream" "clicks" {
  name        = "${local.prefix}-clicks"
  shard_count = 2
}

resource "aws_efs_file_system" "shared" {
  creation_token = "${local.prefix}-shared"
  encrypted      = true
}

output "jobs_queue_url" {
  value = aws_sqs_queue.jobs.url
}

output "orders_table" {
  value = aws_dynamodb_table.orders.name
}
