variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "create" {
  function_name = "create-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/certs"
  runtime       = "python3.12"
  handler       = "create.handler"
  filename      = "${path.module}/create.zip"
}

resource "aws_lambda_function" "get" {
  function_name = "get-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/certs"
  runtime       = "python3.12"
  handler       = "get.handler"
  filename      = "${path.module}/get.zip"
}

output "create_invoke_arn" {
  value = aws_lambda_function.create.invoke_arn
}

output "create_function_name" {
  value = aws_lambda_function.create.function_name
}

output "get_invoke_arn" {
  value = aws_lambda_function.get.invoke_arn
}
