variable "tags" {
  type = map(string)
}

resource "aws_s3_bucket" "archive" {
  bucket = "ledger-archive-${var.instance_id}"
  tags   = var.tags
}
