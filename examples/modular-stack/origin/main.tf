terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

variable "environment" {
  type    = string
  default = "production"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.8"

  name = "shop-${var.instance_id}"
  cidr = "10.30.0.0/16"

  azs              = ["us-west-2a", "us-west-2b"]
  private_subnets  = ["10.30.1.0/24", "10.30.2.0/24"]
  public_subnets   = ["10.30.101.0/24", "10.30.102.0/24"]
  database_subnets = ["10.30.201.0/24", "10.30.202.0/24"]

  enable_nat_gateway = true
  single_nat_gateway = true

  tags = {
    Environment = var.environment
  }
}

module "media" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.1"

  bucket        = "shop-media-${var.instance_id}"
  force_destroy = false

  versioning = {
    enabled = true
  }

  cors_rule = [
    {
      allowed_methods = ["GET"]
      allowed_origins = ["*"]
    }
  ]
}

module "db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.5"

  identifier        = "shop-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "15.7"
  family            = "postgres15"
  instance_class    = "db.t3.large"
  allocated_storage = 50

  db_name  = "shop"
  username = "shop"
  port     = 5432

  multi_az               = false
  db_subnet_group_name   = module.vpc.database_subnet_group
  vpc_security_group_ids = [module.vpc.default_security_group_id]

  maintenance_window = "Mon:00:00-Mon:03:00"
  backup_window      = "03:00-06:00"
}

module "analytics" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "~> 9.0"

  name           = "shop-analytics-${var.instance_id}"
  engine         = "aurora-postgresql"
  engine_version = "16.2"
  instance_class = "db.r6g.large"
  instances = {
    one = {}
    two = {}
  }

  vpc_id               = module.vpc.vpc_id
  db_subnet_group_name = module.vpc.database_subnet_group
  master_username      = "analytics"
  database_name        = "analytics"
}

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.9"

  name    = "shop-${var.instance_id}"
  vpc_id  = module.vpc.vpc_id
  subnets = module.vpc.public_subnets

  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      forward = {
        target_group_key = "app"
      }
    }
  }

  target_groups = {
    app = {
      protocol    = "HTTP"
      port        = 3000
      target_type = "instance"
      health_check = {
        path = "/health"
      }
      create_attachment = false
    }
  }
}

module "app" {
  source = "./modules/app"

  name           = "shop-${var.instance_id}"
  vpc_id         = module.vpc.vpc_id
  subnet_ids     = module.vpc.private_subnets
  instance_count = 2
}

module "cache" {
  source = "./modules/cache"

  name      = "shop-${var.instance_id}"
  subnet_ids = module.vpc.private_subnets
}

module "monitoring" {
  source  = "cloudposse/cloudwatch-logs/aws"
  version = "0.6.8"

  name = "shop"
}

output "db_endpoint" {
  value = module.db.db_instance_endpoint
}

output "analytics_endpoint" {
  value = module.analytics.cluster_endpoint
}

output "media_bucket" {
  value = module.media.s3_bucket_id
}

output "alb_dns_name" {
  value = module.alb.dns_name
}

output "app_ips" {
  value = module.app.private_ips
}

output "cache_host" {
  value = module.cache.host
}
