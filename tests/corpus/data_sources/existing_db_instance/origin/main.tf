# After bomb0069/database-migration-infra: a one-off ECS task migrates an existing Oracle
# database that the stack reads but does not create. Its connection string must stay settable
# (inputs), not collapse to its literals (`jdbc:oracle:thin:@:/`).

provider "aws" {
  region = "ap-southeast-1"
}

variable "instance_id" {
  type = string
}

data "aws_db_instance" "legacy" {
  db_instance_identifier = "legacy-oracle"
}

resource "aws_ecs_cluster" "migration" {
  name = "migration-${var.instance_id}"
}

resource "aws_ecs_task_definition" "flyway" {
  family                   = "flyway-${var.instance_id}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name      = "flyway"
      image     = "flyway/flyway:10.17.0@sha256:3c1e5e2b1a9c5a7d1f0e6a0bd1f4a2f3c9d7e5b4a3c2d1e0f9a8b7c6d5e4f3a2"
      essential = true
      command   = ["migrate"]
      environment = [
        {
          name  = "DATABASE_URL"
          value = "jdbc:oracle:thin:@${data.aws_db_instance.legacy.address}:${data.aws_db_instance.legacy.port}/${data.aws_db_instance.legacy.db_name}"
        },
        {
          name  = "FLYWAY_USER"
          value = data.aws_db_instance.legacy.master_username
        }
      ]
    }
  ])
}

output "legacy_endpoint" {
  value = data.aws_db_instance.legacy.endpoint
}

output "legacy_arn" {
  value = data.aws_db_instance.legacy.db_instance_arn
}
