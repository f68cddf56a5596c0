provider "aws" {
  region = "eu-north-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = "etl-deps-${var.instance_id}"
  s3_bucket           = "vendor-artifacts"
  s3_key              = "layers/etl-deps-4.2.zip"
  compatible_runtimes = ["python3.11"]
}

resource "aws_lambda_layer_version" "unused" {
  layer_name = "old-deps-${var.instance_id}"
  filename   = "layers/old.zip"
}

resource "aws_sqs_queue" "etl_dlq" {
  name = "etl-dlq-${var.instance_id}"
}

resource "aws_efs_file_system" "scratch" {
  creation_token = "etl-scratch-${var.instance_id}"
}

resource "aws_efs_access_point" "scratch" {
  file_system_id = aws_efs_file_system.scratch.id
}

resource "aws_lambda_function" "etl" {
  function_name                  = "etl-${var.instance_id}"
  role                           = "arn:aws:iam::123456789012:role/etl"
  runtime                        = "python3.11"
  handler                        = "etl.main"
  s3_bucket                      = "vendor-artifacts"
  s3_key                         = "etl/etl-4.2.zip"
  s3_object_version              = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
  memory_size                    = 10240
  timeout                        = 900
  reserved_concurrent_executions = 0
  kms_key_arn                    = "arn:aws:kms:eu-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  layers = [
    aws_lambda_layer_version.deps.arn,
    "arn:aws:lambda:eu-north-1:580247275435:layer:LambdaInsightsExtension:35",
  ]

  dead_letter_config {
    target_arn = aws_sqs_queue.etl_dlq.arn
  }

  file_system_config {
    arn              = aws_efs_access_point.scratch.arn
    local_mount_path = "/mnt/scratch"
  }

  snap_start {
    apply_on = "PublishedVersions"
  }
}

resource "aws_lambda_function_event_invoke_config" "etl" {
  function_name                = aws_lambda_function.etl.function_name
  maximum_event_age_in_seconds = 3600
  maximum_retry_attempts       = 1

  destination_config {
    on_failure {
      destination = aws_sqs_queue.etl_dlq.arn
    }
  }
}

resource "aws_lambda_code_signing_config" "strict" {
  allowed_publishers {
    signing_profile_version_arns = ["arn:aws:signer:eu-north-1:123456789012:/signing-profiles/etl/abc"]
  }
}

resource "aws_lambda_function_recursion_config" "etl" {
  function_name  = aws_lambda_function.etl.function_name
  recursive_loop = "Terminate"
}

output "etl_layer" {
  value = aws_lambda_layer_version.deps.arn
}
