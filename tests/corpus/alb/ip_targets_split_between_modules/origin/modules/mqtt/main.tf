variable "ecs_cluster_id" {
  type = string
}

variable "mqtt_tg_arn" {
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

  load_balancer {
    target_group_arn = var.mqtt_tg_arn
    container_name   = "mqtt"
    container_port   = 1883
  }
}
