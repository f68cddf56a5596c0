provider "aws" {
  region = "us-east-1"
}

resource "aws_eks_cluster" "platform" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.30"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "general" {
  cluster_name    = aws_eks_cluster.platform.name
  node_group_name = "general"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["m5.xlarge"]

  scaling_config {
    desired_size = 3
    min_size     = 3
    max_size     = 6
  }
}

# Legacy workloads still on ECS, moving onto the same cluster.
resource "aws_ecs_cluster" "legacy" {
  name = "legacy-${var.instance_id}"
}

resource "aws_ecs_cluster_capacity_providers" "legacy" {
  cluster_name       = aws_ecs_cluster.legacy.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 100
  }
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions = jsonencode([{
    name    = "reports"
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/reports:2.2"
    command = ["reports", "serve"]
    portMappings = [{ containerPort = 5000 }]
    environment = [{ name = "CLUSTER", value = aws_eks_cluster.platform.name }]
  }])
}

resource "aws_ecs_service" "reports" {
  name            = "reports"
  cluster         = aws_ecs_cluster.legacy.id
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 1

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}

data "aws_ecs_cluster" "legacy" {
  cluster_name = aws_ecs_cluster.legacy.name
}

output "legacy_cluster" {
  value = data.aws_ecs_cluster.legacy.arn
}
