# After xsalazar/terraform-aws-lambda-networking: a Lambda in the VPC's private subnets reads a
# Redis node's address; an RDS instance in the same VPC is read by address and endpoint, a
# publicly accessible one by address, and the root outputs show the addresses to the operator.

provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "lambda" {
  name   = "lambda-${var.instance_id}"
  vpc_id = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_elasticache_subnet_group" "cache" {
  name       = "cache-${var.instance_id}"
  subnet_ids = [aws_subnet.private.id]
}

resource "aws_elasticache_cluster" "cache" {
  cluster_id        = "cache-${var.instance_id}"
  engine            = "redis"
  node_type         = "cache.t3.micro"
  num_cache_nodes   = 1
  port              = 6379
  subnet_group_name = aws_elasticache_subnet_group.cache.name
}

resource "aws_db_subnet_group" "db" {
  name       = "db-${var.instance_id}"
  subnet_ids = [aws_subnet.private.id]
}

resource "aws_db_instance" "orders" {
  identifier           = "orders-${var.instance_id}"
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t3.small"
  allocated_storage    = 20
  db_name              = "orders"
  username             = "app"
  password             = var.db_password
  db_subnet_group_name = aws_db_subnet_group.db.name
  skip_final_snapshot  = true
}

resource "aws_db_instance" "reporting" {
  identifier           = "reporting-${var.instance_id}"
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t3.small"
  allocated_storage    = 20
  username             = "analyst"
  password             = var.db_password
  db_subnet_group_name = aws_db_subnet_group.db.name
  publicly_accessible  = true
  skip_final_snapshot  = true
}

resource "aws_iam_role" "lambda" {
  name = "counter-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "archive_file" "counter" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/counter.zip"
}

resource "aws_lambda_function" "counter" {
  function_name    = "counter-${var.instance_id}"
  role             = aws_iam_role.lambda.arn
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = data.archive_file.counter.output_path
  source_code_hash = data.archive_file.counter.output_base64sha256

  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.lambda.id]
  }

  environment {
    variables = {
      REDIS_HOST    = aws_elasticache_cluster.cache.cache_nodes[0].address
      REDIS_PORT    = aws_elasticache_cluster.cache.port
      DATABASE_URL  = "postgres://app@${aws_db_instance.orders.endpoint}/orders"
      ORDERS_HOST   = aws_db_instance.orders.address
      REPORTING_HOST = aws_db_instance.reporting.address
    }
  }
}

output "redis_address" {
  value = aws_elasticache_cluster.cache.cache_nodes[0].address
}

output "orders_endpoint" {
  value = aws_db_instance.orders.endpoint
}
