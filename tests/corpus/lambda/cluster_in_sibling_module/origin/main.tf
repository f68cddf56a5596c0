# Functions in one module, the cluster in its sibling (shape of LukaK/blog-resources
# `building-a-portable-fastapi-backend-for-aws-lambda-and-ecs-using-terraform/infra`, gap #143):
# the functions' Knative Services go to the DOKS cluster the ECS module's cluster became,
# through the root's provider "kubernetes", which finds it by name.
provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

module "lambda_api" {
  source = "./lambda"
}

module "ecs_api" {
  source       = "./ecs"
  cluster_name = "api"
}
