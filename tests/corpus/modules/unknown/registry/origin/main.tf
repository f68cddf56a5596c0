module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "graphql" {
  source  = "terraform-aws-modules/appsync/aws"
  version = "~> 2.5"

  name = "acme-graphql"
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "graphql_url" {
  value = module.graphql.appsync_graphql_api_uris
}
