variable "ecs_cluster_id" {
  type = string
}

resource "aws_ecs_task_definition" "mqtt" {
  family                   = "mqtt"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"

  container_definitions = jsonencode([{
    name         = "mqtt"
    image        = "eclipse-mosquitto:latest"
    portMappings = [{ containerPort = 1883 }]
  }])
}

resource "aws_ecs_service" "mqtt" {
  name            = "mqtt"
  cluster         = var.ecs_cluster_id
  task_definition = aws_ecs_task_definition.mqtt.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}
