module "cache" {
  source  = "terraform-aws-modules/elasticache/aws"
  version = "~> 1.2"

  replication_group_id = "acme-cache-${var.instance_id}"
  engine_version       = "7.1"
  node_type            = "cache.r7g.large"
  num_cache_clusters   = 2

  transit_encryption_enabled = true
  automatic_failover_enabled = true
  multi_az_enabled           = true

  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-aaa", "subnet-bbb"]
  security_group_rules = {
    ingress_vpc = {
      description = "VPC traffic"
      cidr_ipv4   = "10.0.0.0/16"
    }
  }

  create_parameter_group = true
  parameter_group_family = "redis7"
}

output "redis_primary" {
  value = module.cache.replication_group_primary_endpoint_address
}
