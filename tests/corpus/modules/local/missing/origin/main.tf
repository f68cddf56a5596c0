module "network" {
  source = "./modules/network"

  cidr = "10.0.0.0/16"
}

module "outside" {
  source = "../../shared/modules/db"
}

output "vpc_id" {
  value = module.network.vpc_id
}
