# A nightly report: terraform-aws-modules/lambda for the function and
# terraform-aws-modules/eventbridge on the default bus for the schedule: the function's
# Knative Service and a CronJob invoking it on the schedule.
variable "instance_id" {
  type = string
}

module "report_fn" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "report-${var.instance_id}"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  source_path   = "${path.module}/src/report"
}

module "schedules" {
  source  = "terraform-aws-modules/eventbridge/aws"
  version = "~> 3.0"

  create_bus = false

  rules = {
    nightly = {
      description         = "nightly report"
      schedule_expression = "cron(0 2 * * ? *)"
    }
  }

  targets = {
    nightly = [
      {
        name  = "report"
        arn   = module.report_fn.lambda_function_arn
        input = jsonencode({ kind = "daily" })
      }
    ]
  }
}

output "nightly_rule" {
  value = module.schedules.eventbridge_rule_arns["nightly"]
}
