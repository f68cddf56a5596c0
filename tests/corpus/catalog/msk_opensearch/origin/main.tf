provider "aws" {
  region = "eu-central-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name = "events-${var.instance_id}"
  }
}

resource "aws_subnet" "private" {
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.30.0.0/16", 8, count.index)
}

resource "aws_msk_configuration" "events" {
  name              = "events-${var.instance_id}"
  kafka_versions    = ["3.5.1"]
  server_properties = <<-PROPS
    auto.create.topics.enable = true
    num.partitions = 6
  PROPS
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "events-${var.instance_id}"
  kafka_version          = "3.5.1"
  number_of_broker_nodes = 3

  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = aws_subnet.private[*].id
    security_groups = []

    storage_info {
      ebs_storage_info {
        volume_size = 500
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.events.arn
    revision = aws_msk_configuration.events.latest_revision
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
    }
  }

  client_authentication {
    sasl {
      iam = true
    }
  }
}

resource "aws_opensearch_domain" "search" {
  domain_name    = "search-${var.instance_id}"
  engine_version = "OpenSearch_2.11"

  cluster_config {
    instance_type  = "r6g.large.search"
    instance_count = 2
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 100
  }

  vpc_options {
    subnet_ids = [aws_subnet.private[0].id]
  }
}

output "bootstrap_brokers" {
  value = aws_msk_cluster.events.bootstrap_brokers_sasl_iam
}

output "zookeeper" {
  value = aws_msk_cluster.events.zookeeper_connect_string
}

output "search_endpoint" {
  value = "https://${aws_opensearch_domain.search.endpoint}"
}

output "dashboards" {
  value = aws_opensearch_domain.search.dashboard_endpoint
}
