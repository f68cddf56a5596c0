terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

variable "ingest_count" {
  description = "Number of ingest workers."
  type        = number
  default     = 2
}

variable "analytics_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}

locals {
  prefix = "dp-${var.instance_id}"
  ports  = [9092, 9093]
}

resource "aws_vpc" "data" {
  cidr_block = "10.50.0.0/16"

  tags = {
    Name = local.prefix
  }
}

resource "aws_subnet" "data" {
  count             = 2
  vpc_id            = aws_vpc.data.id
  cidr_block        = cidrsubnet(aws_vpc.data.cidr_block, 4, count.index)
  availability_zone = element(["eu-west-1a", "eu-west-1b"], count.index)
}

# ---- relational warehouse: Aurora MySQL -----------------------------------------------------

resource "aws_db_subnet_group" "warehouse" {
  name       = "${local.prefix}-warehouse"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_rds_cluster" "warehouse" {
  cluster_identifier      = "${local.prefix}-warehouse"
  engine                  = "aurora-mysql"
  engine_version          = "8.0.mysql_aurora.3.05.2"
  database_name           = "warehouse"
  master_username         = "warehouse"
  manage_master_user_password = true
  db_subnet_group_name    = aws_db_subnet_group.warehouse.name
  vpc_security_group_ids  = [aws_security_group.warehouse.id]
  backup_retention_period = 7
  preferred_maintenance_window = "sat:03:00-sat:04:00"
  storage_encrypted       = true
  skip_final_snapshot     = true
}

resource "aws_rds_cluster_instance" "warehouse" {
  count              = 2
  identifier         = "${local.prefix}-warehouse-${count.index}"
  cluster_identifier = aws_rds_cluster.warehouse.id
  instance_class     = "db.r6g.xlarge"
  engine             = aws_rds_cluster.warehouse.engine
  engine_version     = aws_rds_cluster.warehouse.engine_version
}

resource "aws_security_group" "warehouse" {
  name   = "${local.prefix}-warehouse"
  vpc_id = aws_vpc.data.id

  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = var.analytics_cidrs
  }
}

# ---- document store: DocumentDB -----------------------------------------------------------

resource "aws_docdb_subnet_group" "events" {
  name       = "${local.prefix}-events"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_docdb_cluster" "events" {
  cluster_identifier   = "${local.prefix}-events"
  engine               = "docdb"
  engine_version       = "5.0.0"
  master_username      = "events"
  master_password      = var.docdb_password
  db_subnet_group_name = aws_docdb_subnet_group.events.name
  skip_final_snapshot  = true
}

variable "docdb_password" {
  type      = string
  sensitive = true
}

resource "aws_docdb_cluster_instance" "events" {
  count              = 3
  identifier         = "${local.prefix}-events-${count.index}"
  cluster_identifier = aws_docdb_cluster.events.id
  instance_class     = "db.r6g.large"
}

# ---- ingest workers: EC2 + EBS behind an NLB ------------------------------------------------

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]
  }
}

resource "aws_key_pair" "ops" {
  key_name   = "${local.prefix}-ops"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9wcyBrZXkgZm9yIGZlcnJ5IGV4YW1wbGVz ops@example.com"
}

resource "aws_security_group" "ingest" {
  name   = "${local.prefix}-ingest"
  vpc_id = aws_vpc.data.id

  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.analytics_cidrs
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "ingest" {
  count                  = var.ingest_count
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = "c5.xlarge"
  subnet_id              = aws_subnet.data[count.index].id
  key_name               = aws_key_pair.ops.key_name
  vpc_security_group_ids = [aws_security_group.ingest.id]
  monitoring             = true
  user_data              = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y docker.io
    docker run -d --restart=always -p 9092:9092 ghcr.io/acme/ingest:1.4.2
  EOT

  root_block_device {
    volume_size = 40
  }

  tags = {
    Name = "${local.prefix}-ingest-${count.index}"
    Role = "ingest"
  }
}

resource "aws_ebs_volume" "spool" {
  count             = var.ingest_count
  availability_zone = "eu-west-1a"
  size              = 200
  type              = "gp3"
  encrypted         = true

  tags = {
    Name = "${local.prefix}-spool-${count.index}"
  }
}

resource "aws_volume_attachment" "spool" {
  count       = var.ingest_count
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.spool[count.index].id
  instance_id = aws_instance.ingest[count.index].id
}

resource "aws_lb" "ingest" {
  name               = "${local.prefix}-ingest"
  load_balancer_type = "network"
  internal           = false
  subnets            = aws_subnet.data[*].id
}

resource "aws_lb_target_group" "ingest" {
  name     = "${local.prefix}-ingest"
  port     = 9092
  protocol = "TCP"
  vpc_id   = aws_vpc.data.id

  health_check {
    protocol = "TCP"
    interval = 10
  }
}

resource "aws_lb_listener" "ingest" {
  load_balancer_arn = aws_lb.ingest.arn
  port              = 9092
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ingest.arn
  }
}

resource "aws_lb_target_group_attachment" "ingest" {
  count            = var.ingest_count
  target_group_arn = aws_lb_target_group.ingest.arn
  target_id        = aws_instance.ingest[count.index].id
  port             = 9092
}

# ---- raw event archive -------------------------------------------------------------------

resource "aws_s3_bucket" "archive" {
  bucket = "${local.prefix}-archive"
}

resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id

  rule {
    id     = "expire"
    status = "Enabled"

    filter {}

    expiration {
      days = 365
    }
  }
}

resource "aws_sqs_queue" "ingest_dlq" {
  name = "${local.prefix}-ingest-dlq"
}

output "warehouse_endpoint" {
  value = aws_rds_cluster.warehouse.endpoint
}

output "events_endpoint" {
  value = aws_docdb_cluster.events.endpoint
}

output "ingest_lb" {
  value = aws_lb.ingest.dns_name
}

output "ingest_private_ips" {
  value = aws_instance.ingest[*].private_ip
}
