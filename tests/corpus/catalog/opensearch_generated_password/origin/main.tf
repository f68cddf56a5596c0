# tavisca-abhishek-srivastava/terraform (actual-work/modules/database/opensearch): the master
# user's password is a random_password, printed by an output.
resource "random_password" "password" {
  length  = 32
  special = true
}

resource "aws_opensearch_domain" "search" {
  domain_name    = "search-${var.instance_id}"
  engine_version = "OpenSearch_2.11"

  cluster_config {
    instance_type  = "m6g.large.search"
    instance_count = 3
  }

  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = true
    master_user_options {
      master_user_name     = "admin"
      master_user_password = random_password.password.result
    }
  }
}

output "opensearch_endpoint" {
  value = aws_opensearch_domain.search.endpoint
}

output "opensearch_master_password" {
  value     = random_password.password.result
  sensitive = true
}

variable "instance_id" {
  type = string
}
