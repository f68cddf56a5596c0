# A database outside the stack, read through a data source that has no DigitalOcean
# counterpart: its attributes become null. A conversion of one (`tostring(...)`) inside a
# template is null as well and must leave the template like a bare `${null}` does.
data "aws_db_instance" "database" {
  db_instance_identifier = "orders-db"
}

resource "aws_ecs_cluster" "main" {
  name = "jobs"
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name      = "migrate"
      image     = "ghcr.io/example/migrate:2.0.1"
      essential = true
      environment = [
        {
          name  = "DATABASE_URL"
          value = "jdbc:postgresql://${data.aws_db_instance.database.address}:${tostring("${data.aws_db_instance.database.port}")}/orders"
        }
      ]
    }
  ])
}
