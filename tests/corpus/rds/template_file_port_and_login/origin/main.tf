resource "aws_db_instance" "webappdb" {
  identifier          = "webappdb"
  engine              = "mysql"
  engine_version      = "8.0"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  db_name             = "webappdb"
  username            = "dbadmin"
  password            = "dbpassword11"
  skip_final_snapshot = true
}

resource "aws_instance" "app3" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  user_data     = templatefile("app3-ums-install.tmpl", { rds_db_endpoint = aws_db_instance.webappdb.address })
}
