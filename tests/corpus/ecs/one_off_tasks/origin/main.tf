# Task definitions no ECS service runs (known gap #13): a one-off migration (run by hand with
# `aws ecs run-task`), a report run by an EventBridge rule, and a clean-up run by a (disabled)
# EventBridge Scheduler schedule. They become CronJobs — suspended for the one-off task — and
# the cluster is sized for them too.
provider "aws" {
  region = "us-east-2"
}

resource "aws_ecs_cluster" "main" {
  name = "jobs"
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions = jsonencode([{
    name    = "migrate"
    image   = "123456789012.dkr.ecr.us-east-2.amazonaws.com/app:2.0.1"
    command = ["bin/rails", "db:migrate"]
    environment = [
      { name = "RAILS_ENV", value = "production" },
    ]
  }])
}

resource "aws_ecs_task_definition" "report" {
  family                   = "nightly-report"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([{
    name    = "report"
    image   = "123456789012.dkr.ecr.us-east-2.amazonaws.com/app:2.0.1"
    command = ["bin/rake", "reports:nightly"]
  }])
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly-report"
  schedule_expression = "rate(1 day)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = aws_ecs_cluster.main.arn
  role_arn = "arn:aws:iam::123456789012:role/ecs-events"

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.report.arn
    task_count          = 2
    launch_type         = "FARGATE"

    network_configuration {
      subnets = ["subnet-1"]
    }
  }
}

resource "aws_ecs_task_definition" "cleanup" {
  family                   = "cleanup"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name    = "cleanup"
    image   = "busybox:1.36"
    command = ["sh", "-c", "find /tmp -mtime +7 -delete"]
  }])
}

resource "aws_scheduler_schedule" "cleanup" {
  name                = "cleanup"
  schedule_expression = "cron(0 3 * * ? *)"
  state               = "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = "arn:aws:iam::123456789012:role/scheduler"

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.cleanup.arn
      launch_type         = "FARGATE"
    }
  }
}

# A task run on events (an upload): EventBridge patterns have no DigitalOcean equivalent, so its
# CronJob is suspended.
resource "aws_ecs_task_definition" "thumbnail" {
  family                   = "thumbnail"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "thumbnail"
    image = "123456789012.dkr.ecr.us-east-2.amazonaws.com/thumbnail:1.0.0"
  }])
}

resource "aws_cloudwatch_event_rule" "upload" {
  name = "upload"
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
  })
}

resource "aws_cloudwatch_event_target" "upload" {
  rule = aws_cloudwatch_event_rule.upload.name
  arn  = aws_ecs_cluster.main.arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.thumbnail.arn
  }
}
