variable "instance_id" {
  type = string
}

variable "source_arn" {
  type = string
}

variable "source_name" {
  type = string
}

# No instance class: the primary's, read in its own module.
resource "aws_db_instance" "reporting" {
  identifier          = "shop-reporting-${var.instance_id}"
  replicate_source_db = var.source_arn
  skip_final_snapshot = true
}

resource "aws_db_instance" "analytics" {
  identifier          = "shop-analytics-${var.instance_id}"
  replicate_source_db = var.source_name
  instance_class      = "db.t3.medium"
  skip_final_snapshot = true
}

output "reporting_address" {
  value = aws_db_instance.reporting.address
}
