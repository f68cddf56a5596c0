module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "workflow" {
  source  = "terraform-aws-modules/step-functions/aws"
  version = "~> 4.0"

  name       = "acme-orders"
  definition = file("${path.module}/orders.asl.json")
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "workflow_arn" {
  value = module.workflow.state_machine_arn
}
