# The eks module's cluster with its node group declared through the
# //modules/eks-managed-node-group submodule (a common layout for per-team node groups):
# the DOKS cluster and a node pool sized from the submodule's inputs.
variable "instance_id" {
  type = string
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "apps-${var.instance_id}"
  cluster_version = "1.30"
  subnet_ids      = ["subnet-0a1b2c3d"]
}

module "batch_nodes" {
  source  = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version = "~> 20.0"

  name            = "batch"
  cluster_name    = module.eks.cluster_name
  cluster_version = "1.30"
  subnet_ids      = ["subnet-0a1b2c3d"]

  instance_types = ["m5.xlarge"]
  min_size       = 1
  max_size       = 5
  desired_size   = 2

  labels = {
    workload = "batch"
  }

  iam_role_additional_policies = {
    ecr = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
  }
}
