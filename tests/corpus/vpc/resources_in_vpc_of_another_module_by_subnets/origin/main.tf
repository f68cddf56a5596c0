module "vpc" {
  source = "./modules/vpc"
  cidr   = "10.20.0.0/16"
}
module "eks" {
  source     = "./modules/eks"
  subnet_ids = module.vpc.private_subnet_ids
}
module "rds" {
  source     = "./modules/rds"
  subnet_ids = module.vpc.private_subnet_ids
}
