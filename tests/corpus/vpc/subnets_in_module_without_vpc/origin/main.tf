# pinkal-vansia/terraform-ansible-laravel (terraform-asg/modules/network/{vpc,subnet}, rds/mysql):
# the VPC, its subnets and the database each in a module of their own; the subnets module gets
# the VPC's id, the database module one subnet's id. DigitalOcean VPCs have no subnets: each
# subnet's id is its VPC's, so the database joins the appliance's VPC.
module "vpc" {
  source = "./modules/vpc"
}

module "subnet" {
  source = "./modules/subnet"
  vpc_id = module.vpc.vpc_id
}

module "db" {
  source              = "./modules/db"
  private_subnet_1_id = module.subnet.private_subnet_1_id
  private_subnet_2_id = module.subnet.private_subnet_2_id
}

output "subnet_cidr" {
  value = module.subnet.private_subnet_1_cidr_block
}
