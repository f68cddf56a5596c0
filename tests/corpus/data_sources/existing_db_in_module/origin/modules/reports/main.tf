variable "instance_id" {
  type = string
}

data "aws_db_instance" "warehouse" {
  db_instance_identifier = "warehouse"
}

resource "aws_ecs_cluster" "reports" {
  name = "reports-${var.instance_id}"
}

resource "aws_ecs_task_definition" "nightly" {
  family                   = "nightly-report"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name      = "report"
      image     = "ghcr.io/example/report:1.4.2@sha256:0f4b7a7e7c5d2c9a1b3e6f8d0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c"
      essential = true
      environment = [
        {
          name  = "WAREHOUSE_ENDPOINT"
          value = data.aws_db_instance.warehouse.endpoint
        }
      ]
    }
  ])
}
