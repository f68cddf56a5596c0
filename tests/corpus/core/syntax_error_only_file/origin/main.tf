resource "aws_s3_bucket" "site" {
  bucket = "site"
}

data "aws_iam_policy_document" "site" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.site.arn}/*"]
  }
}
