variable "project_suffix" {
  type    = string
  default = ""
}

resource "aws_lambda_function" "ingest" {
  function_name = "rag-ingest-${var.project_suffix}"
  role          = "arn:aws:iam::123456789012:role/ingest"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "ingest.zip"
}
