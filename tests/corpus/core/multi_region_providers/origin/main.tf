# Two VPCs in two AWS regions, peered (shape of argadepp/terraform-modules
# modules/vpc-peering): every provider is aliased.
provider "aws" {
  region = "eu-central-1"
  alias  = "region1"
}

provider "aws" {
  region = "ap-south-1"
  alias  = "region2"
}

resource "aws_vpc" "one" {
  provider   = aws.region1
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "one-${var.instance_id}" }
}

resource "aws_vpc" "two" {
  provider   = aws.region2
  cidr_block = "192.168.0.0/16"
  tags       = { Name = "two-${var.instance_id}" }
}

resource "aws_vpc_peering_connection" "peer" {
  provider    = aws.region1
  vpc_id      = aws_vpc.one.id
  peer_vpc_id = aws_vpc.two.id
  auto_accept = true
}
