resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

module "app" {
  source = "./modules/app"
  vpc_id = aws_vpc.main.id
}

module "db" {
  source            = "./modules/db"
  vpc_id            = aws_vpc.main.id
  app_sg_id         = module.app.sg_id
  allowed_group_ids = [module.app.sg_id]
}
