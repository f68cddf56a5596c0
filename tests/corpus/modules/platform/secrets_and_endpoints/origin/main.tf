# Platform modules around an application: a Secrets Manager secret holding generated
# credentials, SSM parameters (plain and secure), VPC endpoints and a Step Functions workflow.
# Secrets and parameters become Kubernetes Secrets; endpoints fold into the VPC; the workflow
# is reported with its alternative.
variable "instance_id" {
  type = string
}

resource "random_password" "api" {
  length  = 32
  special = false
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  name = "app-${var.instance_id}"
  cidr = "10.60.0.0/16"
}

module "endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 5.0"

  vpc_id = module.vpc.vpc_id
  endpoints = {
    s3 = {
      service      = "s3"
      service_type = "Gateway"
    }
  }
}

module "api_secret" {
  source  = "terraform-aws-modules/secrets-manager/aws"
  version = "~> 1.1"

  name = "api-${var.instance_id}"
  secret_string = jsonencode({
    token = random_password.api.result
  })
  recovery_window_in_days = 0
}

module "log_level" {
  source  = "terraform-aws-modules/ssm-parameter/aws"
  version = "~> 1.1"

  name  = "/app/${var.instance_id}/log-level"
  type  = "String"
  value = "info"
}

module "orders" {
  source  = "terraform-aws-modules/step-functions/aws"
  version = "~> 4.0"

  name       = "orders-${var.instance_id}"
  definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Succeed" } } })
  service_integrations = {
    lambda = { lambda = ["*"] }
  }
}

output "secret_name" {
  value = module.api_secret.secret_name
}

output "log_level_parameter" {
  value = module.log_level.ssm_parameter_name
}
