# Rules added to the registry VPC module's default security group (shape of
# dukeofgaming/ipfs-metadata `iac/terraform/app/vpc.tf`): DigitalOcean VPCs have no default
# firewall, so the rules are left out with a warning instead of stopping the compile (gap #132).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.13"

  name            = "ipfs-${var.instance_id}"
  cidr            = "10.0.0.0/16"
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24"]
  public_subnets  = ["10.0.101.0/24", "10.0.102.0/24"]
}

resource "aws_security_group_rule" "egress_https" {
  type              = "egress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = module.vpc.default_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "app" {
  security_group_id = module.vpc.default_security_group_id
  from_port         = 8080
  to_port           = 8080
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.0.0.0/16"
}
