# An HTTP API in front of an internal ALB through a VPC link, the ALB in front of an ECS
# Fargate service (shape of ArianeASA/iac-ecs-apps).
provider "aws" {
  region = "us-east-2"
}

resource "aws_vpc" "app" {
  cidr_block = "192.168.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.app.id
  cidr_block = cidrsubnet(aws_vpc.app.cidr_block, 8, count.index)
}

resource "aws_ecs_cluster" "main" {
  name = "orders-${var.instance_id}"
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = "orders"
    image        = "ghcr.io/example/orders:1.4.2"
    essential    = true
    portMappings = [{ containerPort = 8080 }]
  }])
}

resource "aws_lb" "internal" {
  name               = "orders-${var.instance_id}"
  load_balancer_type = "application"
  internal           = true
  subnets            = aws_subnet.private[*].id
}

resource "aws_lb_target_group" "orders" {
  name        = "orders-${var.instance_id}"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.app.id

  health_check {
    path    = "/actuator/health"
    matcher = "200"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_ecs_service" "orders" {
  name            = "orders"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.orders.arn
  launch_type     = "FARGATE"
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = 8080
  }

  network_configuration {
    subnets = aws_subnet.private[*].id
  }
}

resource "aws_apigatewayv2_vpc_link" "alb" {
  name               = "orders-${var.instance_id}"
  security_group_ids = []
  subnet_ids         = aws_subnet.private[*].id
}

resource "aws_apigatewayv2_api" "http" {
  name          = "orders-${var.instance_id}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "alb" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "HTTP_PROXY"
  integration_uri        = aws_lb_listener.http.arn
  integration_method     = "ANY"
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.alb.id
  payload_format_version = "1.0"
}

resource "aws_apigatewayv2_route" "proxy" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.alb.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
}

output "api_endpoint" {
  value = aws_apigatewayv2_api.http.api_endpoint
}
