variable "instance_id" {
  type = string
}

variable "retention" {
  type = map(number)
  default = {
    dev  = 7
    prod = 30
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.instance_id}"

  # Unrolled per environment: the iterator's values land inside interpolations.
  dynamic "lifecycle_rule" {
    for_each = var.retention
    content {
      id      = "${lifecycle_rule.key}-retention"
      prefix  = "${lifecycle_rule.key}/${lifecycle_rule.value}d/"
      enabled = true

      expiration {
        days = lifecycle_rule.value
      }
    }
  }
}
