# A cache outside the stack, read through a data source that has no DigitalOcean
# counterpart: its attributes become null. (It was an existing `aws_db_instance` until those
# became inputs, `data_sources/existing_db_instance`.) A conversion of one (`tostring(...)`) inside a
# template is null as well and must leave the template like a bare `${null}` does.
data "aws_elasticache_replication_group" "cache" {
  replication_group_id = "orders-cache"
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
          name  = "CACHE_URL"
          value = "redis://${data.aws_elasticache_replication_group.cache.primary_endpoint_address}:${tostring("${data.aws_elasticache_replication_group.cache.port}")}/0"
        }
      ]
    }
  ])
}
