variable "subnet_ids" {}
resource "aws_db_subnet_group" "this" {
  name       = "db"
  subnet_ids = var.subnet_ids
}
resource "aws_db_instance" "this" {
  identifier           = "app"
  engine               = "postgres"
  engine_version       = "16"
  instance_class       = "db.t3.micro"
  allocated_storage    = 20
  username             = "app"
  password             = "changeme123"
  db_subnet_group_name = aws_db_subnet_group.this.name
}
