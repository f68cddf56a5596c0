# The shape of terraform-aws-modules/elasticache (main.tf): the replication group reads its
# security groups through a local that adds the module's own group.
provider "aws" {
  region = "us-east-1"
}

variable "create_security_group" {
  type    = bool
  default = true
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_elasticache_subnet_group" "this" {
  name       = "cache-${var.instance_id}"
  subnet_ids = [aws_subnet.private.id]
}

locals {
  security_group_ids = concat(var.security_group_ids, aws_security_group.this[*].id)
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = "cache-${var.instance_id}"
  description          = "cache"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
  subnet_group_name    = aws_elasticache_subnet_group.this.name
  security_group_ids   = local.security_group_ids
}

resource "aws_security_group" "this" {
  count  = var.create_security_group ? 1 : 0
  name   = "cache-${var.instance_id}"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  count             = var.create_security_group ? 1 : 0
  security_group_id = aws_security_group.this[0].id
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_ipv4         = "10.0.0.0/16"
}
