# A connection string that embeds the database's admin password, in a container's and a
# function's environment (known gap: "a password inside a connection string still sits in the
# spec"). The password is read from the database's admin Secret into FERRY_APP_DB_PASSWORD,
# listed first, and the string reads $(FERRY_APP_DB_PASSWORD), which Kubernetes expands: no
# password in the Deployment's or the Knative Service's spec.
variable "instance_id" { type = string }
resource "random_password" "db" {
  length  = 24
  special = false
}
resource "aws_db_instance" "app" {
  identifier        = "app-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.small"
  allocated_storage = 20
  db_name           = "app"
  username          = "app"
  password          = random_password.db.result
}
resource "aws_ecs_cluster" "main" { name = "main" }
resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "api"
    image = "ghcr.io/example/api:1.0"
    portMappings = [{ containerPort = 8080 }]
    environment = [
      { name = "DATABASE_URL", value = "postgres://${aws_db_instance.app.username}:${random_password.db.result}@${aws_db_instance.app.address}:5432/${aws_db_instance.app.db_name}" },
    ]
  }])
}
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/x"
  package_type  = "Image"
  image_uri     = "ghcr.io/example/fn:1.0"
  environment {
    variables = {
      DATABASE_URL = "postgres://${aws_db_instance.app.username}:${aws_db_instance.app.password}@${aws_db_instance.app.endpoint}/app"
    }
  }
}
