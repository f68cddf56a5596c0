locals {
  name = "shortlinks-${var.instance_id}"

  tags = {
    product       = "shortlinks"
    "instance-id" = var.instance_id
  }
}

# ---- storage -------------------------------------------------------------------------------

resource "aws_s3_bucket" "links" {
  bucket = "${local.name}-links"
}

resource "aws_s3_bucket_versioning" "links" {
  bucket = aws_s3_bucket.links.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "links" {
  bucket                  = aws_s3_bucket.links.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "links" {
  bucket = aws_s3_bucket.links.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

# The key that signs short-link tokens; the API reads it at startup.
resource "aws_secretsmanager_secret" "signing_key" {
  name = "${local.name}/signing-key"
}

# ---- functions -----------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "functions" {
  name               = "${local.name}-functions"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "functions" {
  name = "links-access"
  role = aws_iam_role.functions.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
        Resource = [aws_s3_bucket.links.arn, "${aws_s3_bucket.links.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [aws_secretsmanager_secret.signing_key.arn]
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.functions.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

data "archive_file" "links" {
  type        = "zip"
  source_dir  = "${path.module}/functions/links"
  output_path = "${path.module}/build/links.zip"
}

data "archive_file" "redirect" {
  type        = "zip"
  source_dir  = "${path.module}/functions/redirect"
  output_path = "${path.module}/build/redirect.zip"
}

data "archive_file" "cleanup" {
  type        = "zip"
  source_file = "${path.module}/functions/cleanup/cleanup.py"
  output_path = "${path.module}/build/cleanup.zip"
}

resource "aws_lambda_function" "links" {
  function_name    = "${local.name}-links"
  description      = "Create, read and delete short links"
  role             = aws_iam_role.functions.arn
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = data.archive_file.links.output_path
  source_code_hash = data.archive_file.links.output_base64sha256
  memory_size      = 512
  timeout          = 10

  environment {
    variables = {
      LINKS_BUCKET       = aws_s3_bucket.links.bucket
      SIGNING_KEY_SECRET = aws_secretsmanager_secret.signing_key.name
      LINK_TTL_DAYS      = var.link_ttl_days
      LOG_LEVEL          = "INFO"
    }
  }
}

resource "aws_lambda_function" "redirect" {
  function_name    = "${local.name}-redirect"
  description      = "Resolve a short code and redirect"
  role             = aws_iam_role.functions.arn
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = data.archive_file.redirect.output_path
  source_code_hash = data.archive_file.redirect.output_base64sha256
  memory_size      = 256
  timeout          = 5

  reserved_concurrent_executions = 100

  environment {
    variables = {
      LINKS_BUCKET = aws_s3_bucket.links.bucket
    }
  }
}

resource "aws_lambda_function" "cleanup" {
  function_name    = "${local.name}-cleanup"
  description      = "Delete expired links"
  role             = aws_iam_role.functions.arn
  runtime          = "python3.12"
  handler          = "cleanup.run"
  filename         = data.archive_file.cleanup.output_path
  source_code_hash = data.archive_file.cleanup.output_base64sha256
  timeout          = 300

  environment {
    variables = {
      LINKS_BUCKET  = aws_s3_bucket.links.bucket
      LINK_TTL_DAYS = var.link_ttl_days
    }
  }
}

resource "aws_cloudwatch_log_group" "functions" {
  for_each = {
    links    = aws_lambda_function.links.function_name
    redirect = aws_lambda_function.redirect.function_name
    cleanup  = aws_lambda_function.cleanup.function_name
  }

  name              = "/aws/lambda/${each.value}"
  retention_in_days = 14
}

# ---- nightly cleanup -----------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "cleanup" {
  name                = "${local.name}-cleanup"
  description         = "Delete expired links every night"
  schedule_expression = "cron(15 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "cleanup" {
  rule  = aws_cloudwatch_event_rule.cleanup.name
  arn   = aws_lambda_function.cleanup.arn
  input = jsonencode({ dry_run = false })
}

resource "aws_lambda_permission" "cleanup_schedule" {
  statement_id  = "AllowNightlyCleanup"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.cleanup.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.cleanup.arn
}
