provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

locals {
  name = "orders-${var.instance_id}"
}

resource "aws_s3_bucket" "invoices" {
  bucket = "${local.name}-invoices"
}

resource "aws_sqs_queue" "orders" {
  name                       = "${local.name}-queue"
  visibility_timeout_seconds = 120
}

resource "aws_dynamodb_table" "orders" {
  name             = "${local.name}-table"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "order_id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "order_id"
    type = "S"
  }
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "${local.name}-events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3

  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = ["subnet-0a", "subnet-0b", "subnet-0c"]
    security_groups = ["sg-0123"]
  }
}

resource "aws_lambda_function" "process_order" {
  function_name = "${local.name}-process"
  role          = "arn:aws:iam::123456789012:role/orders"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "dist/process.zip"
  timeout       = 60
}

resource "aws_lambda_function" "invoice_pdf" {
  function_name = "${local.name}-invoice-pdf"
  role          = "arn:aws:iam::123456789012:role/orders"
  runtime       = "python3.11"
  handler       = "pdf.handler"
  filename      = "dist/invoice.zip"
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn = aws_sqs_queue.orders.arn
  function_name    = aws_lambda_function.process_order.arn
  batch_size       = 10
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn  = aws_dynamodb_table.orders.stream_arn
  function_name     = aws_lambda_function.process_order.function_name
  starting_position = "LATEST"
}

resource "aws_lambda_event_source_mapping" "kafka" {
  event_source_arn  = aws_msk_cluster.events.arn
  function_name     = aws_lambda_function.process_order.arn
  topics            = ["order-events"]
  starting_position = "TRIM_HORIZON"
}

resource "aws_lambda_event_source_mapping" "kinesis" {
  event_source_arn  = "arn:aws:kinesis:us-east-1:123456789012:stream/clickstream"
  function_name     = aws_lambda_function.process_order.arn
  starting_position = "LATEST"
}

resource "aws_lambda_permission" "s3" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.invoice_pdf.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.invoices.arn
}

resource "aws_s3_bucket_notification" "invoices" {
  bucket = aws_s3_bucket.invoices.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.invoice_pdf.arn
    events              = ["s3:ObjectCreated:*"]
    filter_suffix       = ".json"
  }

  depends_on = [aws_lambda_permission.s3]
}

resource "aws_lambda_invocation" "warmup" {
  function_name = aws_lambda_function.invoice_pdf.function_name
  input         = jsonencode({ warmup = true })
}
