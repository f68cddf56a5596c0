# Subnet ranges from the registry module hashicorp/subnets/cidr
# (p-calvino/wordpress-on-aws-with-terraform, subnet_cidrs.tf).
provider "aws" {
  region = "eu-west-1"
}

variable "vpc_cidr" {
  default = "10.0.0.0/16"
}

module "subnet_addrs" {
  source  = "hashicorp/subnets/cidr"
  version = "1.0.0"

  base_cidr_block = var.vpc_cidr
  networks = [
    { name = "public-a", new_bits = 8 },
    { name = "public-b", new_bits = 8 },
    { name = null, new_bits = 4 },
    { name = "private-a", new_bits = 4 },
  ]
}

variable "other_cidr" {
  type = string
}

module "other" {
  source          = "hashicorp/subnets/cidr"
  base_cidr_block = var.other_cidr
  networks = [
    { name = "a", new_bits = 2 },
    { name = "b", new_bits = 2 },
  ]
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

resource "aws_subnet" "private_a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = module.subnet_addrs.network_cidr_blocks["private-a"]
}

output "network_cidr_blocks" {
  value = module.subnet_addrs.network_cidr_blocks
}

output "networks" {
  value = module.subnet_addrs.networks
}

output "other_blocks" {
  value = module.other.network_cidr_blocks
}

module "named" {
  source          = "hashicorp/subnets/cidr"
  base_cidr_block = "172.16.0.0/12"
  networks = [
    { name = "app", new_bits = 4 },
    { name = "db", new_bits = 8 },
  ]
}

output "named_networks" {
  value = module.named.networks
}
