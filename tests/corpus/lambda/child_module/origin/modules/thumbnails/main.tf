variable "name" {
  type = string
}

variable "bucket_name" {
  type = string
}

variable "sizes" {
  type = string
}

data "archive_file" "this" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/dist/thumbnails.zip"
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  role             = "arn:aws:iam::123456789012:role/thumbnails"
  runtime          = "python3.13"
  handler          = "resize.handler"
  filename         = data.archive_file.this.output_path
  source_code_hash = data.archive_file.this.output_base64sha256
  memory_size      = 1536
  timeout          = 30

  environment {
    variables = {
      BUCKET = var.bucket_name
      SIZES  = var.sizes
    }
  }
}

output "function_name" {
  value = aws_lambda_function.this.function_name
}
