resource "aws_ecs_cluster" "main" {
  name = "shop"
}

module "svc" {
  source = "./modules/svc"
}

module "app" {
  source = "./modules/app"
}
