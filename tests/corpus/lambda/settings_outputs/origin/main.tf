# tunnavacher/terraform-aws-lambda-prod: a zip from S3 with a layer, and outputs that print the
# function's settings.
variable "runtime" {
  type    = string
  default = "python3.12"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps"
  s3_bucket           = "artifacts-bucket"
  s3_key              = "layer.zip"
  compatible_runtimes = [var.runtime]
}

resource "aws_lambda_function" "crawler" {
  function_name = "crawler-${var.instance_id}"
  handler       = "lambda_function.lambda_handler"
  runtime       = var.runtime
  role          = "arn:aws:iam::123456789012:role/lambda"
  s3_bucket     = "artifacts-bucket"
  s3_key        = "crawler.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}

output "lambda_function_runtime" {
  value = aws_lambda_function.crawler.runtime
}

output "lambda_function_timeout" {
  value = aws_lambda_function.crawler.timeout
}

output "lambda_function_memory" {
  value = aws_lambda_function.crawler.memory_size
}

output "lambda_function_layers" {
  value = aws_lambda_function.crawler.layers
}

variable "instance_id" {
  type = string
}
