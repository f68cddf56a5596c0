provider "aws" {
  region = "eu-central-1"
}

module "ecs_cluster" {
  source       = "./modules/ecs-cluster"
  cluster_name = "road-vision"
}

module "mqtt" {
  source         = "./modules/mqtt"
  ecs_cluster_id = module.ecs_cluster.ecs_cluster_id
}

module "redis" {
  source         = "./modules/redis"
  ecs_cluster_id = module.ecs_cluster.ecs_cluster_id
}
