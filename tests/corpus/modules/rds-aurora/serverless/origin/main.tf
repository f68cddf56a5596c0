provider "aws" {
  region = "eu-central-1"
}

module "aurora" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "~> 9.3"

  name           = "acme-aurora-${var.instance_id}"
  engine         = "aurora-postgresql"
  engine_mode    = "provisioned"
  engine_version = "15.4"
  instance_class = "db.serverless"

  instances = {
    one = {}
    two = {}
  }

  serverlessv2_scaling_configuration = {
    min_capacity = 0.5
    max_capacity = 8
  }

  master_username = "root"
  database_name   = "app"

  vpc_id               = "vpc-0123456789abcdef0"
  db_subnet_group_name = "acme-db"
  security_group_rules = {
    vpc_ingress = {
      cidr_blocks = ["10.0.0.0/16"]
    }
  }

  storage_encrypted   = true
  apply_immediately   = true
  skip_final_snapshot = true
}

output "writer" {
  value = module.aurora.cluster_endpoint
}

output "reader" {
  value = module.aurora.cluster_reader_endpoint
}

output "port" {
  value = module.aurora.cluster_port
}

output "database" {
  value = module.aurora.cluster_database_name
}
