# The database's group admits 3306 from anywhere, but the instance is not publicly accessible:
# on AWS only the VPC reaches it. A DigitalOcean database always has a public endpoint, so the
# firewall admits the VPC's range instead of the whole internet.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_db_subnet_group" "db" {
  name       = "db-${var.instance_id}"
  subnet_ids = [aws_subnet.a.id]
}

resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "master" {
  identifier             = "shop-${var.instance_id}"
  engine                 = "mysql"
  engine_version         = "8.0"
  instance_class         = "db.t3.micro"
  allocated_storage      = 10
  username               = "shop"
  manage_master_user_password = true
  vpc_security_group_ids = [aws_security_group.db.id]
  db_subnet_group_name   = aws_db_subnet_group.db.name
  publicly_accessible    = false
  skip_final_snapshot    = true
}

variable "instance_id" {
  type = string
}
