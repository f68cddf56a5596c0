provider "aws" {
  region = "us-east-1"
}

resource "aws_ecr_repository" "api" {
  name = "shop/api"
}

resource "aws_ecr_lifecycle_policy" "api" {
  repository = aws_ecr_repository.api.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 7 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_secretsmanager_secret" "db" {
  name = "shop/${var.instance_id}/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ password = "change-me" })
}

resource "aws_ssm_parameter" "feature_flags" {
  name  = "/shop/${var.instance_id}/flags"
  type  = "String"
  value = "beta=false"
}

resource "aws_ecs_cluster" "main" {
  name = "shop-${var.instance_id}"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([{
    name  = "api"
    image = "${aws_ecr_repository.api.repository_url}:latest"
  }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = 6
}

resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "api-cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  service_namespace  = aws_appautoscaling_target.api.service_namespace

  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_lambda_function" "thumbnail" {
  function_name = "thumbnail-${var.instance_id}"
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "thumbnail.zip"
  role          = "arn:aws:iam::123456789012:role/lambda"
}

data "aws_ssm_parameter" "api_key" {
  name = "/shop/api-key"
}

data "aws_secretsmanager_secret_version" "stripe" {
  secret_id = "shop/stripe"
}

output "repository_url" {
  value = aws_ecr_repository.api.repository_url
}

output "api_key" {
  value     = data.aws_ssm_parameter.api_key.value
  sensitive = true
}
