provider "aws" {
  region = "us-west-2"
}

variable "office_ip" {
  description = "Public IP of the office VPN endpoint."
  type        = string
  default     = "203.0.113.10"
}

resource "aws_vpc" "main" {
  cidr_block = "172.16.0.0/16"
  tags = {
    Name = "corp-${var.instance_id}"
  }
}

resource "aws_vpn_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = var.office_ip
  type       = "ipsec.1"
}

resource "aws_vpn_connection" "office" {
  vpn_gateway_id      = aws_vpn_gateway.main.id
  customer_gateway_id = aws_customer_gateway.office.id
  type                = "ipsec.1"
  static_routes_only  = true
}

resource "aws_vpn_connection_route" "office" {
  destination_cidr_block = "192.168.0.0/16"
  vpn_connection_id      = aws_vpn_connection.office.id
}

resource "aws_ec2_transit_gateway" "hub" {
  description = "hub for the corporate network"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "main" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.main.id
  subnet_ids         = []
}

output "vpn_tunnel1_address" {
  value = aws_vpn_connection.office.tunnel1_address
}
