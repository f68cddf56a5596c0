variable "name_prefix" {
  type = string
}

resource "aws_s3_bucket" "code" {
  bucket = "${var.name_prefix}-code"
}

output "code_bucket" {
  value = aws_s3_bucket.code.id
}
