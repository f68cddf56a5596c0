# Services repeated over a map behind one ALB routing by host (file id 58168536993 of the sweep's
# index): `dynamic "load_balancer"` reads `each.value`, known per instance, so `api` and `mlflow`
# register with their target groups and `producer` with none. The ALB routes by host to both
# instances: an NGINX Ingress, one rule per listener-rule instance, no default backend (#171).
variable "instance_id" {
  type = string
}

variable "services" {
  type = map(object({
    image            = string
    port             = number
    public_subdomain = optional(string)
  }))
  default = {
    api      = { image = "ghcr.io/acme/api:1.0", port = 8000, public_subdomain = "api" }
    mlflow   = { image = "ghcr.io/mlflow/mlflow:v2.14.1", port = 5000, public_subdomain = "mlflow" }
    producer = { image = "ghcr.io/acme/producer:1.0", port = 9000 }
  }
}

locals {
  public_services = { for k, v in var.services : k => v if v.public_subdomain != null }
}

resource "aws_ecs_cluster" "this" {
  name = "fraud-${var.instance_id}"
}

resource "aws_lb" "this" {
  name               = "fraud-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-a", "subnet-b"]
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "No service registered for this host"
      status_code  = "404"
    }
  }
}

resource "aws_lb_target_group" "public" {
  for_each    = local.public_services
  name        = "fraud-${each.key}-${var.instance_id}"
  port        = each.value.port
  protocol    = "HTTP"
  vpc_id      = "vpc-123"
  target_type = "ip"
}

resource "aws_lb_listener_rule" "public" {
  for_each     = local.public_services
  listener_arn = aws_lb_listener.http.arn
  priority     = 100 + index(keys(local.public_services), each.key)

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.public[each.key].arn
  }

  condition {
    host_header {
      values = ["${each.value.public_subdomain}.example.com"]
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = var.services
  family                   = "fraud-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = each.key
      image        = each.value.image
      essential    = true
      portMappings = [{ containerPort = each.value.port, protocol = "tcp" }]
    }
  ])
}

resource "aws_ecs_service" "this" {
  for_each        = var.services
  name            = "fraud-${each.key}"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this[each.key].arn
  desired_count   = 1
  launch_type     = "FARGATE"

  dynamic "load_balancer" {
    for_each = each.value.public_subdomain != null ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.public[each.key].arn
      container_name   = each.key
      container_port   = each.value.port
    }
  }
}
