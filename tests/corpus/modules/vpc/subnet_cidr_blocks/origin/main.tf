# cloudacademy/stocks-app-eks (terraform/main.tf, modules/aurora): the database admits the VPC
# module's private subnets, `ingress_cidr_blocks = module.vpc.private_subnets_cidr_blocks`.
variable "instance_id" {
  type = string
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  name            = "stocks-${var.instance_id}"
  cidr            = "10.0.0.0/16"
  azs             = ["ap-south-1a", "ap-south-1b"]
  private_subnets = ["10.0.0.0/20", "10.0.16.0/20"]
}

resource "aws_security_group" "mysql" {
  name   = "mysql-${var.instance_id}"
  vpc_id = module.vpc.vpc_id

  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = module.vpc.private_subnets_cidr_blocks
  }
}

resource "aws_db_instance" "stocks" {
  identifier             = "stocks-${var.instance_id}"
  engine                 = "mysql"
  engine_version         = "8.0"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "admin"
  password               = "change-me-please"
  vpc_security_group_ids = [aws_security_group.mysql.id]
  skip_final_snapshot    = true
}

output "database_subnets" {
  value = module.vpc.database_subnets_cidr_blocks
}
