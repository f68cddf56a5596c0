provider "aws" {
  region = "us-east-1"
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ReadAssets"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::shop-assets-${var.instance_id}", "arn:aws:s3:::shop-assets-${var.instance_id}/*"]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "app" {
  name               = "shop-app-${var.instance_id}"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json

  tags = {
    Service = "shop"
  }
}

resource "aws_iam_policy" "app" {
  name        = "shop-app-${var.instance_id}"
  description = "What the shop application may do"
  policy      = data.aws_iam_policy_document.app.json
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app.arn
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "inline" {
  name = "inline"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_instance_profile" "app" {
  name = "shop-app-${var.instance_id}"
  role = aws_iam_role.app.name
}

resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
}

output "role_arn" {
  value = aws_iam_role.app.arn
}

output "instance_profile_name" {
  value = aws_iam_instance_profile.app.name
}

output "policy_json" {
  value = data.aws_iam_policy_document.app.json
}
