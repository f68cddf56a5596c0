variable "private_subnet_1_id" {}
variable "private_subnet_2_id" {}

resource "aws_db_subnet_group" "default" {
  name       = "main"
  subnet_ids = [var.private_subnet_1_id, var.private_subnet_2_id]
}

resource "aws_db_instance" "default" {
  allocated_storage    = 10
  engine               = "mysql"
  engine_version       = "8.0"
  instance_class       = "db.t3.micro"
  db_name              = "mydb"
  username             = "app"
  password             = "changeme123"
  db_subnet_group_name = aws_db_subnet_group.default.name
  skip_final_snapshot  = true
}
