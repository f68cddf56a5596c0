provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_eks_cluster" "main" {
  name     = "jobs-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.30"

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

resource "aws_eks_node_group" "main" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "main"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-nodes"
  subnet_ids      = var.subnet_ids
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 5
  }
}

resource "aws_security_group" "workers" {
  name_prefix = "jobs-workers-"
}

resource "aws_launch_template" "workers" {
  name_prefix            = "jobs-workers-"
  image_id               = "ami-0a1b2c3d4e5f67890"
  instance_type          = "c5.xlarge"
  vpc_security_group_ids = [aws_security_group.workers.id]
}

resource "aws_autoscaling_group" "workers" {
  name_prefix         = "jobs-workers-"
  min_size            = 1
  max_size            = 4
  desired_capacity    = 2
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }
}

resource "aws_security_group" "redis" {
  name = "jobs-redis-${var.instance_id}"

  ingress {
    description     = "pods on the EKS cluster"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = [aws_eks_cluster.main.vpc_config[0].cluster_security_group_id]
  }

  ingress {
    description     = "autoscaled workers"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = [aws_security_group.workers.id]
  }
}

resource "aws_elasticache_replication_group" "jobs" {
  replication_group_id = "jobs-${var.instance_id}"
  description          = "job queue"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t3.medium"
  num_cache_clusters   = 2
  security_group_ids   = [aws_security_group.redis.id]
}

output "redis_endpoint" {
  value = aws_elasticache_replication_group.jobs.primary_endpoint_address
}
