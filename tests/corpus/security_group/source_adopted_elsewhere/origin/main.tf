module "sg" {
  source = "./modules/sg"
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
module "web" {
  source = "./modules/web"
  sg_ids = [module.sg.web_sg_id]
}
resource "aws_db_instance" "db" {
  engine = "postgres"
  engine_version = "16"
  instance_class = "db.t3.micro"
  allocated_storage = 20
  username = "app"
  password = "changeme123"
  
}
