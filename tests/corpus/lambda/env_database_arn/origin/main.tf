# A function that queries Aurora through the RDS Data API (known gap #216,
# localstack-samples/rds-proxy-terraform-sample): it is handed the cluster's ARN and calls
# `rds-data:ExecuteStatement`. On DigitalOcean the ARN becomes the cluster's `urn` and no API
# runs SQL, so the function gets a warning telling it to connect with a driver instead; a
# function handed the host and port connects as before and gets none.
variable "instance_id" {
  type = string
}

resource "aws_rds_cluster" "dogs" {
  cluster_identifier   = "dogs-${var.instance_id}"
  engine               = "aurora-postgresql"
  engine_version       = "16.4"
  database_name        = "dogs"
  master_username      = "dogs"
  master_password      = "initial-password-1"
  enable_http_endpoint = true
}

resource "aws_rds_cluster_instance" "dogs" {
  cluster_identifier = aws_rds_cluster.dogs.id
  instance_class     = "db.t4g.medium"
  engine             = aws_rds_cluster.dogs.engine
}

resource "aws_lambda_function" "get_dog" {
  function_name = "get-dog-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/get-dog"
  package_type  = "Image"
  image_uri     = "ghcr.io/example/get-dog:2.0.1"

  environment {
    variables = {
      DB_CLUSTER_ARN = aws_rds_cluster.dogs.arn
      DATABASE_NAME  = aws_rds_cluster.dogs.database_name
    }
  }
}

resource "aws_lambda_function" "list_dogs" {
  function_name = "list-dogs-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/list-dogs"
  package_type  = "Image"
  image_uri     = "ghcr.io/example/list-dogs:2.0.1"

  environment {
    variables = {
      DB_HOST = aws_rds_cluster.dogs.endpoint
      DB_PORT = aws_rds_cluster.dogs.port
    }
  }
}
