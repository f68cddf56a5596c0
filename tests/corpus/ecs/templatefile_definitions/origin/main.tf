provider "aws" {
  region = "us-east-2"
}

variable "image_tag" {
  type    = string
  default = "v41"
}

locals {
  service = "orders"
  container_vars = {
    image         = "${aws_ecr_repository.orders.repository_url}:${var.image_tag}"
    port          = 9000
    db_host       = aws_rds_cluster.orders.endpoint
    db_secret_arn = aws_secretsmanager_secret.db.arn
    api_key_arn   = aws_ssm_parameter.api_key.arn
    environment   = "production"
  }
}

resource "aws_ecr_repository" "orders" {
  name = "orders"
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders-${var.instance_id}"
  engine             = "aurora-postgresql"
  engine_version     = "15.4"
  master_username    = "orders"
  master_password    = random_password.db.result
}

resource "aws_rds_cluster_instance" "orders" {
  count              = 2
  identifier         = "orders-${var.instance_id}-${count.index}"
  cluster_identifier = aws_rds_cluster.orders.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.orders.engine
}

resource "random_password" "db" {
  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "orders/${var.instance_id}/db"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    username = "orders"
    password = random_password.db.result
    host     = aws_rds_cluster.orders.endpoint
  })
}

resource "aws_ssm_parameter" "api_key" {
  name  = "/orders/${var.instance_id}/payment-api-key"
  type  = "SecureString"
  value = var.payment_api_key
}

variable "payment_api_key" {
  type      = string
  sensitive = true
}

resource "aws_ecs_cluster" "main" {
  name = "orders-${var.instance_id}"
}

resource "aws_ecs_task_definition" "orders" {
  family                   = local.service
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 3072
  container_definitions    = templatefile("${path.module}/templates/orders.json.tpl", local.container_vars)
}

resource "aws_ecs_service" "orders" {
  name            = local.service
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
}
