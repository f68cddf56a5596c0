module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "kafka" {
  source  = "terraform-aws-modules/msk-kafka-cluster/aws"
  version = "~> 2.0"

  name          = "acme-events"
  kafka_version = "3.6.0"
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "kafka_brokers" {
  value = module.kafka.bootstrap_brokers_tls
}
