provider "aws" {
  region = "eu-central-1"
}

variable "partner_vpc_id" {
  description = "VPC of the partner's account that the appliance peers with."
  type        = string
  default     = "vpc-0a1b2c3d4e5f60718"
}

variable "partner_account_id" {
  type    = string
  default = "123456789012"
}

resource "aws_vpc" "app" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name = "app-${var.instance_id}"
  }
}

resource "aws_vpc" "data" {
  cidr_block = "10.11.0.0/16"
  tags = {
    Name = "data-${var.instance_id}"
  }
}

resource "aws_vpc_peering_connection" "app_data" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true

  tags = {
    Name = "app-data-${var.instance_id}"
  }
}

resource "aws_vpc_peering_connection_options" "app_data" {
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id

  accepter {
    allow_remote_vpc_dns_resolution = true
  }

  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id

  route {
    cidr_block                = aws_vpc.data.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
  }
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id

  route {
    cidr_block                = aws_vpc.app.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
  }
}

resource "aws_vpc_peering_connection" "partner" {
  vpc_id        = aws_vpc.app.id
  peer_vpc_id   = var.partner_vpc_id
  peer_owner_id = var.partner_account_id
  peer_region   = "eu-west-1"
}

output "peering_id" {
  value = aws_vpc_peering_connection.app_data.id
}

output "peering_status" {
  value = aws_vpc_peering_connection.app_data.accept_status
}

output "partner_peering_id" {
  value = aws_vpc_peering_connection.partner.id
}
