# tavisca-abhishek-srivastava/terraform (actual-work/Examples/database/opensearch): three data
# nodes across zones with three dedicated masters and a standby zone.
resource "aws_opensearch_domain" "search" {
  domain_name    = "search-${var.instance_id}"
  engine_version = "OpenSearch_2.3"

  cluster_config {
    instance_type                 = "m6g.large.search"
    instance_count                = 3
    dedicated_master_enabled      = true
    dedicated_master_count        = 3
    dedicated_master_type         = "m6g.large.search"
    zone_awareness_enabled        = true
    multi_az_with_standby_enabled = true

    zone_awareness_config {
      availability_zone_count = 3
    }
  }
}

variable "instance_id" {
  type = string
}
