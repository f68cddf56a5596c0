provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_iam_role" "cluster" {
  name = "platform-cluster-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_cluster" "platform" {
  name     = "platform-${var.instance_id}"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.platform.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/platform-nodes"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  instance_types  = ["m6i.large"]

  scaling_config {
    desired_size = 3
    min_size     = 2
    max_size     = 6
  }
}

data "aws_eks_cluster_auth" "platform" {
  name = aws_eks_cluster.platform.name
}

provider "kubernetes" {
  host                   = aws_eks_cluster.platform.endpoint
  cluster_ca_certificate = base64decode(aws_eks_cluster.platform.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.platform.token
}

resource "aws_lambda_function" "audit" {
  function_name = "audit-export-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/audit"
  runtime       = "java21"
  handler       = "com.example.audit.Export::handleRequest"
  filename      = "build/audit-export.jar"
  memory_size   = 2048
  timeout       = 600
}

resource "aws_cloudwatch_event_rule" "hourly" {
  name                = "audit-export-${var.instance_id}"
  schedule_expression = "rate(1 hour)"
  is_enabled          = true
}

resource "aws_cloudwatch_event_target" "hourly" {
  rule = aws_cloudwatch_event_rule.hourly.name
  arn  = aws_lambda_function.audit.arn
}
