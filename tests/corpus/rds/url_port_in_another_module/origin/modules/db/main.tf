resource "aws_db_instance" "main" {
  identifier          = "app"
  engine              = "postgres"
  engine_version      = "16"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "change-me-please"
  skip_final_snapshot = true
}

output "address" {
  value = aws_db_instance.main.address
}
