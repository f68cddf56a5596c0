module "eks" {
  source = "./modules/eks"
}

module "nodegroups" {
  source       = "./modules/nodegroups"
  cluster_name = module.eks.cluster_name
  node_role    = module.eks.node_role_arn
}
