# The serverless pair of registry modules: terraform-aws-modules/lambda packaging ./src/orders
# and terraform-aws-modules/apigateway-v2 routing two routes to it (v5 `routes` form): the
# function's Knative Service and an Ingress for the API's routes.
variable "instance_id" {
  type = string
}

module "orders_fn" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "orders-${var.instance_id}"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  source_path   = "${path.module}/src/orders"

  allowed_triggers = {
    api = {
      service    = "apigateway"
      source_arn = "${module.api.api_execution_arn}/*/*"
    }
  }
}

module "api" {
  source  = "terraform-aws-modules/apigateway-v2/aws"
  version = "~> 5.0"

  name          = "orders-${var.instance_id}"
  protocol_type = "HTTP"

  create_domain_name = false

  routes = {
    "GET /orders" = {
      integration = {
        uri                    = module.orders_fn.lambda_function_arn
        payload_format_version = "2.0"
      }
    }
    "POST /orders" = {
      integration = {
        uri = module.orders_fn.lambda_function_arn
      }
    }
  }
}

output "api_endpoint" {
  value = module.api.api_endpoint
}
