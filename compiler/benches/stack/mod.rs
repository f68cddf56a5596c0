//! The generated origin stacks of the compile benchmark (and of `examples/profile.rs`): repeated
//! "cells" of a realistic mix of about 20 resources with references between them.

use ferry_compiler::{CompileRequest, Options};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Resources per cell (see `cell`).
const CELL: usize = 20;

fn cell(i: usize, out: &mut String) {
    let _ = write!(
        out,
        r#"
resource "random_id" "suffix_{i}" {{
  byte_length = 4
}}

resource "aws_vpc" "vpc_{i}" {{
  cidr_block           = "10.{a}.0.0/16"
  enable_dns_hostnames = true
  tags = merge(local.tags, {{ Name = "${{local.prefix}}-vpc-{i}" }})
}}

resource "aws_subnet" "private_{i}" {{
  count             = 2
  vpc_id            = aws_vpc.vpc_{i}.id
  cidr_block        = cidrsubnet(aws_vpc.vpc_{i}.cidr_block, 8, count.index)
  availability_zone = var.azs[count.index]
  tags              = local.tags
}}

resource "aws_subnet" "public_{i}" {{
  vpc_id                  = aws_vpc.vpc_{i}.id
  cidr_block              = "10.{a}.100.0/24"
  map_public_ip_on_launch = true
}}

resource "aws_s3_bucket" "assets_{i}" {{
  bucket = "${{local.prefix}}-assets-{i}-${{random_id.suffix_{i}.hex}}-${{var.instance_id}}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "assets_{i}" {{
  bucket = aws_s3_bucket.assets_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_iam_role" "app_{i}" {{
  name = "${{local.prefix}}-app-{i}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Action = "sts:AssumeRole", Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}

resource "aws_security_group" "db_{i}" {{
  name   = "${{local.prefix}}-db-{i}"
  vpc_id = aws_vpc.vpc_{i}.id
  ingress {{
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.vpc_{i}.cidr_block]
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_dynamodb_table" "sessions_{i}" {{
  name         = "${{local.prefix}}-sessions-{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
}}

resource "aws_db_instance" "db_{i}" {{
  identifier             = "${{local.prefix}}-db-{i}-${{var.instance_id}}"
  engine                 = "postgres"
  engine_version         = "16.3"
  instance_class         = var.db_class
  allocated_storage      = 100
  multi_az               = true
  vpc_security_group_ids = [aws_security_group.db_{i}.id]
  tags                   = local.tags
}}

resource "aws_instance" "web_{i}" {{
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  subnet_id     = aws_subnet.public_{i}.id
  tags          = local.tags
}}

resource "aws_lb" "web_{i}" {{
  name               = "web-{i}"
  load_balancer_type = "application"
  subnets            = [aws_subnet.public_{i}.id]
}}

resource "aws_route53_record" "web_{i}" {{
  zone_id = var.zone_id
  name    = "web-{i}.example.com"
  type    = "CNAME"
  ttl     = 300
  records = [aws_lb.web_{i}.dns_name]
}}

resource "aws_lb_target_group" "web_{i}" {{
  name     = "web-{i}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.vpc_{i}.id
  health_check {{
    path = "/healthz"
  }}
}}

resource "aws_lb_listener" "web_{i}" {{
  load_balancer_arn = aws_lb.web_{i}.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web_{i}.arn
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.web_{i}.arn
  }}
}}

resource "aws_acm_certificate" "web_{i}" {{
  domain_name       = "web-{i}.example.com"
  validation_method = "DNS"
}}

resource "aws_elasticache_cluster" "cache_{i}" {{
  cluster_id      = "cache-{i}"
  engine          = "redis"
  node_type       = "cache.t3.small"
  num_cache_nodes = 1
}}

resource "aws_ebs_volume" "data_{i}" {{
  availability_zone = var.azs[0]
  size              = 50
  type              = "gp3"
}}

resource "aws_volume_attachment" "data_{i}" {{
  device_name = "/dev/sdh"
  volume_id   = aws_ebs_volume.data_{i}.id
  instance_id = aws_instance.web_{i}.id
}}

resource "aws_cloudwatch_log_group" "app_{i}" {{
  name              = "/app/{i}"
  retention_in_days = 14
}}

output "vpc_{i}_id" {{
  value = aws_vpc.vpc_{i}.id
}}

output "assets_{i}_arn" {{
  value = aws_s3_bucket.assets_{i}.arn
}}

output "db_{i}_endpoint" {{
  value = aws_db_instance.db_{i}.endpoint
}}

output "web_{i}_url" {{
  value = "https://${{aws_route53_record.web_{i}.fqdn}}"
}}
"#,
        a = i % 250,
    );
}

/// An origin stack of about `n` resources.
pub fn stack(n: usize) -> CompileRequest {
    let mut files = BTreeMap::new();
    files.insert(
        "variables.tf".to_string(),
        r#"
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}

variable "db_class" {
  type    = string
  default = "db.m5.large"
}

variable "zone_id" {
  type    = string
  default = "Z123456"
}

locals {
  prefix = "bench"
  tags = {
    App         = "bench"
    Environment = "production"
  }
}
"#
        .to_string(),
    );
    let cells = n.div_ceil(CELL);
    let per_file = (100 / CELL).max(1);
    for f in 0..cells.div_ceil(per_file) {
        let mut text = String::new();
        for i in f * per_file..((f + 1) * per_file).min(cells) {
            cell(i, &mut text);
        }
        files.insert(format!("cells_{f:04}.tf"), text);
    }
    CompileRequest {
        files,
        options: Options {
            instance_id: Some("bench".into()),
            ..Options::default()
        },
    }
}
