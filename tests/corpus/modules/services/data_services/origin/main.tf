# Data services through their registry modules: a classic ELB in front of instances, Kafka
# (MSK), OpenSearch, EFS, Redshift and MemoryDB. Each gets the outcome of the resource it
# creates: mapped where DigitalOcean has the service, reported with the alternative where not.
variable "instance_id" {
  type = string
}

resource "aws_instance" "app" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.small"
}

module "elb" {
  source  = "terraform-aws-modules/elb/aws"
  version = "~> 4.0"

  name      = "app-${var.instance_id}"
  subnets   = ["subnet-0a1b2c3d"]
  internal  = false
  instances = [aws_instance.app.id]

  listener = [
    {
      instance_port     = 8080
      instance_protocol = "HTTP"
      lb_port           = 80
      lb_protocol       = "HTTP"
    },
  ]

  health_check = {
    target              = "HTTP:8080/healthz"
    interval            = 30
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 5
  }
}

module "kafka" {
  source  = "terraform-aws-modules/msk-kafka-cluster/aws"
  version = "~> 2.0"

  name                       = "events-${var.instance_id}"
  kafka_version              = "3.6.0"
  number_of_broker_nodes     = 3
  broker_node_instance_type  = "kafka.m5.large"
  broker_node_client_subnets = ["subnet-0a1b2c3d", "subnet-0e1f2a3b", "subnet-0c4d5e6f"]
  broker_node_storage_info = {
    ebs_storage_info = { volume_size = 100 }
  }
  encryption_in_transit_client_broker = "TLS"
}

module "search" {
  source  = "terraform-aws-modules/opensearch/aws"
  version = "~> 1.1"

  domain_name    = "search-${var.instance_id}"
  engine_version = "OpenSearch_2.11"
  cluster_config = {
    instance_type  = "r6g.large.search"
    instance_count = 2
  }
  ebs_options = {
    ebs_enabled = true
    volume_size = 64
  }
}

module "shared_fs" {
  source  = "terraform-aws-modules/efs/aws"
  version = "~> 1.6"

  name           = "shared-${var.instance_id}"
  creation_token = "shared-${var.instance_id}"
}

module "warehouse" {
  source  = "terraform-aws-modules/redshift/aws"
  version = "~> 6.0"

  cluster_identifier = "warehouse-${var.instance_id}"
  node_type          = "ra3.xlplus"
  number_of_nodes    = 2
  database_name      = "analytics"
  master_username    = "admin"
}

module "cache" {
  source  = "terraform-aws-modules/memory-db/aws"
  version = "~> 2.0"

  name      = "cache-${var.instance_id}"
  node_type = "db.r6gd.xlarge"
}

output "elb_dns" {
  value = module.elb.elb_dns_name
}

output "kafka_brokers" {
  value = module.kafka.bootstrap_brokers_tls
}

output "search_endpoint" {
  value = module.search.domain_endpoint
}
