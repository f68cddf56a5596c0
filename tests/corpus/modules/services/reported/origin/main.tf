# Registry modules for services DigitalOcean does not offer (SQS, SNS, DynamoDB) or does not
# need (KMS, IAM, CloudWatch logs): each gets the outcome of the resource it creates, with its
# alternative, rather than "registry module not mapped".
module "jobs" {
  source  = "terraform-aws-modules/sqs/aws"
  version = "~> 4.0"

  name       = "jobs-${var.instance_id}"
  create_dlq = true
}

module "events" {
  source  = "terraform-aws-modules/sns/aws"
  version = "~> 6.0"

  name = "events-${var.instance_id}"
}

module "sessions" {
  source  = "terraform-aws-modules/dynamodb-table/aws"
  version = "~> 4.0"

  name     = "sessions-${var.instance_id}"
  hash_key = "id"
  attributes = [
    { name = "id", type = "S" }
  ]
}

module "key" {
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 3.0"

  description = "app data"
  aliases     = ["app/${var.instance_id}"]
}

module "worker_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "~> 5.0"

  role_name = "worker-${var.instance_id}"
  oidc_providers = {
    main = {
      provider_arn               = "arn:aws:iam::123456789012:oidc-provider/example"
      namespace_service_accounts = ["app:worker"]
    }
  }
}

module "github_oidc" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-github-oidc-provider"
  version = "~> 5.0"
}

module "logs" {
  source  = "terraform-aws-modules/cloudwatch/aws//modules/log-group"
  version = "~> 5.0"

  name              = "/app/${var.instance_id}"
  retention_in_days = 14
}

resource "aws_s3_bucket" "uploads" {
  bucket = "uploads-${var.instance_id}"
}

variable "instance_id" {
  type = string
}

output "queue_url" {
  value = module.jobs.queue_url
}

output "worker_role_arn" {
  value = module.worker_role.iam_role_arn
}
