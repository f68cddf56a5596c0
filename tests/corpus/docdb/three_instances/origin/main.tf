provider "aws" {
  region = "eu-west-3"
}

variable "instance_id" {
  type = string
}

variable "docdb_password" {
  type      = string
  sensitive = true
}

resource "aws_vpc" "main" {
  cidr_block = "172.16.0.0/16"
  tags = {
    Name = "content-${var.instance_id}"
  }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "172.16.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "172.16.2.0/24"
}

resource "aws_docdb_subnet_group" "content" {
  name       = "content-${var.instance_id}"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_docdb_cluster_parameter_group" "content" {
  family = "docdb5.0"
  name   = "content-${var.instance_id}"

  parameter {
    name  = "tls"
    value = "enabled"
  }
}

resource "aws_docdb_cluster" "content" {
  cluster_identifier              = "content-${var.instance_id}"
  engine                          = "docdb"
  engine_version                  = "5.0.0"
  master_username                 = "content"
  master_password                 = var.docdb_password
  db_subnet_group_name            = aws_docdb_subnet_group.content.name
  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.content.name
  preferred_maintenance_window    = "sat:22:00-sat:23:00"
  backup_retention_period         = 5
  skip_final_snapshot             = true
}

resource "aws_docdb_cluster_instance" "content" {
  count              = 3
  identifier         = "content-${var.instance_id}-${count.index}"
  cluster_identifier = aws_docdb_cluster.content.id
  instance_class     = "db.r6g.large"
}

output "docdb_endpoint" {
  value = aws_docdb_cluster.content.endpoint
}

output "docdb_port" {
  value = aws_docdb_cluster.content.port
}

output "docdb_uri" {
  value     = "mongodb://${aws_docdb_cluster.content.master_username}:${aws_docdb_cluster.content.master_password}@${aws_docdb_cluster.content.endpoint}:${aws_docdb_cluster.content.port}/?tls=true&replicaSet=rs0"
  sensitive = true
}
