# Port settings written as the origin's literal port beside the database's host (known gap
# #180): a container's `DB_PORT = "3306"` next to `DB_HOST`, a config map's `REDIS_PORT`, a
# local module's `db_port = 3306` next to `db_host`. DigitalOcean chooses the cluster's port
# (25060 for MySQL, 25061 for Valkey), so each reads its cluster's `port`. A port that is not
# the database's (`METRICS_PORT = "9100"`) and a port without a host beside it stay as written.
resource "aws_db_instance" "db" {
  identifier                  = "app-${var.instance_id}"
  engine                      = "mysql"
  engine_version              = "8.0"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  db_name                     = "app"
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache-${var.instance_id}"
  description          = "sessions"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}

resource "aws_ecs_cluster" "main" {
  name = "app"
}

locals {
  env = [
    { name = "DB_HOST", value = aws_db_instance.db.address },
    { name = "DB_PORT", value = "3306" },
    { name = "METRICS_PORT", value = "9100" },
  ]
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name        = "app"
    image       = "ghcr.io/example/app:1.0"
    environment = local.env
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "kubernetes_config_map" "cache" {
  metadata {
    name = "cache"
  }
  data = {
    REDIS_HOST = aws_elasticache_replication_group.cache.primary_endpoint_address
    REDIS_PORT = "6379"
    OTHER_PORT = "3306"
  }
}

module "worker" {
  source  = "./worker"
  db_host = aws_db_instance.db.address
  db_port = 3306
}

variable "instance_id" {
  type = string
}
