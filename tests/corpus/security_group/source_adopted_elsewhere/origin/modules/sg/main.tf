variable "vpc_id" {}
resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = var.vpc_id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = var.vpc_id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }
}
output "web_sg_id" { value = aws_security_group.web.id }
output "db_sg_id" { value = aws_security_group.db.id }
resource "aws_db_instance" "db2" {
  engine = "postgres"
  engine_version = "16"
  instance_class = "db.t3.micro"
  allocated_storage = 20
  username = "app"
  password = "changeme123"
  vpc_security_group_ids = [aws_security_group.db.id]
}
