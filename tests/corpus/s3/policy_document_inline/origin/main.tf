# A bucket policy built with `data.aws_iam_policy_document`: a static document (statements,
# principals, conditions) is written inline with `jsonencode`, which Spaces takes, and its bucket
# ARN follows the appliance's bucket name.
resource "aws_s3_bucket" "site" {
  bucket = "hooli-site"
}

data "aws_iam_policy_document" "public_read" {
  statement {
    sid     = "PublicRead"
    effect  = "Allow"
    actions = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["203.0.113.0/24"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.public_read.json
}
