# amiros89/Portfolio (DevOps/Terraform/rds): a local module bound to an aliased AWS provider in
# another region; the deployment stack has no `provider "aws"`, so the binding must go.
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "frankfurt"
  region = "eu-central-1"
}

module "replica_network" {
  providers = {
    aws = aws.frankfurt
  }
  source = "./modules/net"
  name   = "shop-${var.instance_id}"
}

variable "instance_id" {
  type = string
}

output "replica_vpc" {
  value = module.replica_network.vpc_id
}
