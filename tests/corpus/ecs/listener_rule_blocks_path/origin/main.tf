# A listener rule that answers `/metrics` with a fixed 403 in front of an ECS service (known gap
# #298; after fabiottini/terraform-n8n-ecs-module `modules/ecs/alb_master.tf`). The ALB becomes
# the service's Service of type LoadBalancer, which has no routing rules: the requests the rule
# kept out now reach the application, so Ferry names it as a lost access control (F333), not
# a routine lost route. The rule that forwards `/api/*` keeps the routine F305.
variable "instance_id" {
  type = string
}

resource "aws_ecs_cluster" "main" {
  name = "n8n"
}

resource "aws_ecs_task_definition" "n8n" {
  family                   = "n8n"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([{
    name         = "n8n"
    image        = "docker.n8n.io/n8nio/n8n:1.80.0"
    portMappings = [{ containerPort = 5678 }]
    environment  = [{ name = "N8N_METRICS", value = "true" }]
  }])
}

resource "aws_lb" "this" {
  name               = "n8n-alb"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "n8n" {
  name        = "n8n-master-tg"
  port        = 5678
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.n8n.arn
  }
}

resource "aws_lb_listener_rule" "blocks_static_paths" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }

  condition {
    path_pattern {
      values = ["/metrics"]
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.n8n.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_ecs_service" "n8n" {
  name            = "n8n"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.n8n.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.n8n.arn
    container_name   = "n8n"
    container_port   = 5678
  }
}
