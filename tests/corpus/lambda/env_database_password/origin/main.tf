# A function reading the database's admin password from its environment (known gap #250): the
# variable given to the database is also given to the function. On DigitalOcean the cluster
# keeps its own generated password, which the function reads from the database's admin Secret
# by `secretKeyRef`, not as text in the Knative Service's spec. Its host stays a plain value.
variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier        = "orders-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.small"
  allocated_storage = 20
  db_name           = "orders"
  username          = "orders"
  password          = var.db_password
}

resource "aws_lambda_function" "report" {
  function_name = "orders-report-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/orders-report"
  package_type  = "Image"
  image_uri     = "ghcr.io/example/orders-report:1.4.0"
  memory_size   = 512
  timeout       = 60

  environment {
    variables = {
      DB_HOST     = aws_db_instance.orders.address
      DB_USER     = aws_db_instance.orders.username
      DB_PASSWORD = var.db_password
    }
  }
}
