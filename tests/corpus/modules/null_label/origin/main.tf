# Names and tags from cloudposse/terraform-null-label (darliiin/devops-camp-2023,
# chapter5/terraform/terraform/base ec2.tf and locals.tf, and the module's documented chaining).
provider "aws" {
  region = "us-east-2"
}

variable "stage" {
  type    = string
  default = "prod"
}

# Every input a literal: the outputs are values.
module "label" {
  source    = "cloudposse/label/null"
  version   = "0.25.0"
  namespace = "Acme"
  stage     = "prod"
  name      = "Web App"
  tags = {
    Team = "platform"
  }
}

# Inherits the first label's context, adds an attribute.
module "db_label" {
  source     = "cloudposse/label/null"
  version    = "0.25.0"
  context    = module.label.context
  attributes = ["db"]
}

# A variable: the outputs are the module's own expressions, so the appliance's value names it.
module "cache_label" {
  source     = "git::https://github.com/cloudposse/terraform-null-label.git?ref=0.25.0"
  namespace  = "acme"
  stage      = var.stage
  name       = "cache"
  attributes = ["a", "b", "a"]
}

# Reads another label's output: its expression is read in place.
module "worker_label" {
  source     = "cloudposse/label/null"
  name       = module.cache_label.id
  attributes = ["worker"]
}

# Turned off: every name output is empty.
module "off" {
  source  = "cloudposse/label/null"
  enabled = false
  name    = "unused"
}

locals {
  sg_name = join(module.label.delimiter, [module.label.id, "sg"])
}

resource "aws_s3_bucket" "assets" {
  bucket = module.label.id
  tags   = module.label.tags
}

resource "aws_db_instance" "db" {
  identifier        = module.db_label.id
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  username          = "app"
  password          = "change-me-please"
  tags              = module.db_label.tags
}

resource "aws_elasticache_cluster" "cache" {
  cluster_id      = module.cache_label.id
  engine          = "redis"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}

output "ids" {
  value = {
    web    = module.label.id
    db     = module.db_label.id
    cache  = module.cache_label.id
    off    = module.off.id
    worker = module.worker_label.id
    sg     = local.sg_name
  }
}

output "db_tags" {
  value = module.db_label.tags
}

output "cache_attributes" {
  value = module.cache_label.attributes
}
