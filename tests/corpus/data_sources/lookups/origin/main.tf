provider "aws" {
  region = "us-east-1"
}

variable "zone_name" {
  type    = string
  default = "example.com."
}

data "aws_route53_zone" "main" {
  name         = var.zone_name
  private_zone = false
}

data "aws_route53_zone" "internal" {
  name         = "corp.internal"
  private_zone = true
}

data "aws_acm_certificate" "wildcard" {
  domain      = "*.example.com"
  statuses    = ["ISSUED"]
  most_recent = true
}

data "aws_vpc" "shared" {
  tags = {
    Name = "shared-services"
  }
}

data "aws_subnets" "shared" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.shared.id]
  }
}

data "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = data.aws_vpc.shared.id
}

data "aws_eks_cluster" "platform" {
  name = "platform-prod"
}

data "aws_eks_cluster_auth" "platform" {
  name = "platform-prod"
}

data "aws_iam_role" "deployer" {
  name = "deployer"
}

data "aws_kms_alias" "s3" {
  name = "alias/aws/s3"
}

data "aws_dynamodb_table" "legacy" {
  name = "legacy-orders"
}

output "zone_id" {
  value = data.aws_route53_zone.main.zone_id
}

output "name_servers" {
  value = data.aws_route53_zone.main.name_servers
}

output "certificate" {
  value = data.aws_acm_certificate.wildcard.arn
}

output "shared_subnets" {
  value = data.aws_subnets.shared.ids
}

output "platform_endpoint" {
  value = data.aws_eks_cluster.platform.endpoint
}

output "deployer_role" {
  value = data.aws_iam_role.deployer.arn
}
