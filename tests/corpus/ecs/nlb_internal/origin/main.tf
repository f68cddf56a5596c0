provider "aws" {
  region = "us-east-1"
}

resource "aws_ecs_cluster" "mq" {
  name = "mq-${var.instance_id}"
}

resource "aws_lb" "mqtt" {
  name               = "mqtt-${var.instance_id}"
  load_balancer_type = "network"
  internal           = true
  subnets            = ["subnet-a", "subnet-b"]
}

resource "aws_lb_target_group" "mqtt" {
  name        = "mqtt"
  port        = 1883
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = "vpc-1"
  proxy_protocol_v2 = true

  health_check {
    protocol = "TCP"
    interval = 10
  }
}

resource "aws_lb_listener" "mqtt" {
  load_balancer_arn = aws_lb.mqtt.arn
  port              = 1883
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.mqtt.arn
  }
}

resource "aws_ecs_task_definition" "broker" {
  family                   = "broker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions = jsonencode([{
    name         = "broker"
    image        = "emqx/emqx:5.7.1"
    portMappings = [{ containerPort = 1883 }, { containerPort = 18083, name = "dashboard" }]
  }])
}

resource "aws_ecs_service" "broker" {
  name            = "broker"
  cluster         = aws_ecs_cluster.mq.id
  task_definition = aws_ecs_task_definition.broker.arn
  desired_count   = 3

  load_balancer {
    target_group_arn = aws_lb_target_group.mqtt.arn
    container_name   = "broker"
    container_port   = 1883
  }
}

output "broker_endpoint" {
  value = "${aws_lb.mqtt.dns_name}:1883"
}
