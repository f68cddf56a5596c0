# deptagency/mastodon-terraform-aws-ecs (modules/mastodon/aws_alb_listener.tf): an HTTPS
# listener whose port is a variable (the streaming API's 4000).
variable "streaming_port" {
  default = 4000
}

variable "certificate_name" {
  type = string
}

resource "aws_ecs_cluster" "main" {
  name = "mastodon"
}

resource "aws_lb" "web" {
  name               = "mastodon"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "streaming" {
  name        = "mastodon-streaming"
  port        = var.streaming_port
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "streaming" {
  load_balancer_arn = aws_lb.web.arn
  port              = var.streaming_port
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_name
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.streaming.arn
  }
}

resource "aws_ecs_task_definition" "streaming" {
  family                   = "mastodon_streaming"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name         = "streaming"
      image        = "ghcr.io/mastodon/mastodon:v4.0.2"
      command      = ["node", "./streaming"]
      portMappings = [{ containerPort = var.streaming_port }]
    }
  ])
}

resource "aws_ecs_service" "streaming" {
  name            = "streaming"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.streaming.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  load_balancer {
    target_group_arn = aws_lb_target_group.streaming.arn
    container_name   = "streaming"
    container_port   = var.streaming_port
  }
}
