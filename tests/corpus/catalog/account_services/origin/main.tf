provider "aws" {
  region = "us-east-1"
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_securityhub_account" "main" {}

resource "aws_securityhub_standards_subscription" "cis" {
  standards_arn = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
  depends_on    = [aws_securityhub_account.main]
}

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = "arn:aws:iam::123456789012:role/config"
}

resource "aws_config_config_rule" "s3_public" {
  name = "s3-bucket-public-read-prohibited"

  source {
    owner             = "AWS"
    source_identifier = "S3_BUCKET_PUBLIC_READ_PROHIBITED"
  }

  depends_on = [aws_config_configuration_recorder.main]
}

resource "aws_cloudtrail" "main" {
  name                          = "shop-${var.instance_id}"
  s3_bucket_name                = "shop-trail"
  include_global_service_events = true
}

resource "aws_accessanalyzer_analyzer" "main" {
  analyzer_name = "shop"
}

resource "aws_budgets_budget" "monthly" {
  name         = "shop-monthly"
  budget_type  = "COST"
  limit_amount = "500"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
}

resource "aws_backup_vault" "main" {
  name = "shop-${var.instance_id}"
}

resource "aws_backup_plan" "daily" {
  name = "daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 5 * * ? *)"
  }
}

resource "aws_resourcegroups_group" "shop" {
  name = "shop-${var.instance_id}"

  resource_query {
    query = jsonencode({ ResourceTypeFilters = ["AWS::AllSupported"], TagFilters = [{ Key = "Project", Values = ["shop"] }] })
  }
}

resource "aws_ssm_document" "restart" {
  name          = "restart-app"
  document_type = "Command"
  content       = jsonencode({ schemaVersion = "2.2", mainSteps = [] })
}

resource "aws_service_discovery_private_dns_namespace" "internal" {
  name = "shop.internal"
  vpc  = "vpc-0123456789abcdef0"
}

resource "aws_wafv2_web_acl" "main" {
  name  = "shop-${var.instance_id}"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = false
    metric_name                = "shop"
    sampled_requests_enabled   = false
  }
}

output "detector_id" {
  value = aws_guardduty_detector.main.id
}
