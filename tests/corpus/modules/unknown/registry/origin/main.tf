module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "bus" {
  source  = "terraform-aws-modules/eventbridge/aws"
  version = "~> 3.0"

  bus_name = "acme-orders"
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "bus_arn" {
  value = module.bus.eventbridge_bus_arn
}
