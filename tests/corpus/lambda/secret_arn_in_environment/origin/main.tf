# A function handed the ARN of a Secrets Manager secret of the stack, which it fetches itself
# at run time (shape of localstack-samples/rds-proxy-terraform-sample `terraform/main.tf`): in
# the appliance the variable reads the Kubernetes Secret's `<namespace>/<name>`, so the
# function is warned about; the secret's value passed as such is read from the Secret
# (sweep 13 #217).
variable "instance_id" {
  type = string
}

resource "aws_secretsmanager_secret" "db" {
  name = "dogs-${var.instance_id}"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    username = "dogs"
    password = "change-me"
  })
}

resource "aws_lambda_function" "get_dog" {
  function_name = "get-dog-${var.instance_id}"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "get-dog.zip"
  role          = "arn:aws:iam::123456789012:role/lambda"

  environment {
    variables = {
      SECRET_ARN  = aws_secretsmanager_secret.db.arn
      DB_PASSWORD = jsondecode(aws_secretsmanager_secret_version.db.secret_string)["password"]
    }
  }
}
