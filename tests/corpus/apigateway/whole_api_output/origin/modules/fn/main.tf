variable "purpose" {
  type = string
}

variable "runtime" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = "fiscal-${var.purpose}"
  role          = "arn:aws:iam::123456789012:role/fn"
  handler       = "index.handler"
  runtime       = var.runtime
  timeout       = 15
  filename      = "${path.module}/payload/${var.purpose}/payload.zip"
}

output "invoke_arn" {
  value = aws_lambda_function.this.invoke_arn
}
