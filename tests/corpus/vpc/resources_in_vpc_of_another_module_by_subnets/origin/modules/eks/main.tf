variable "subnet_ids" {}
resource "aws_iam_role" "cluster" {
  name = "eks"
  assume_role_policy = "{}"
}
resource "aws_eks_cluster" "this" {
  name     = "app"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.cluster.arn
  subnet_ids      = var.subnet_ids
  instance_types  = ["t3.large"]
  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }
}
