resource "aws_ecs_cluster" "main" {
  name = "shop"
}

module "worker" {
  source     = "./modules/worker"
  cluster_id = aws_ecs_cluster.main.id
}
