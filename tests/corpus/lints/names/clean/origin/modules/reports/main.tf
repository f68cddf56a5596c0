variable "prefix" {
  type = string
}

resource "aws_sqs_queue" "reports" {
  name = "${var.prefix}-queue"
}
