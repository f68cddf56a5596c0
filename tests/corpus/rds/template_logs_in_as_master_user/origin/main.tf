# Known gap #224: WordPress's user data logs in as the literal master user `admin` with the
# generated master password. On DigitalOcean `admin` becomes a regular user of the cluster with
# its own password, and the master password reads the admin's (`doadmin`): the template's
# `random_pwd` reads the `admin` user's password instead, so WordPress can log in. `DB_USER`,
# passed by the database's `username`, reads the cluster's admin user and keeps the admin's
# password in `db_password`.
resource "random_password" "db" {
  length  = 16
  special = false
}

resource "aws_db_instance" "wordpress" {
  identifier          = "wordpress"
  engine              = "mysql"
  engine_version      = "8.0"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  db_name             = "wordpress"
  username            = var.db_username
  password            = random_password.db.result
  skip_final_snapshot = true
}

variable "db_username" {
  type    = string
  default = "admin"
}

resource "aws_instance" "wordpress" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.micro"
  user_data = templatefile("${path.module}/userdata.tpl", {
    random_pwd   = random_password.db.result
    endpoint_rds = aws_db_instance.wordpress.endpoint
    db_name_rds  = aws_db_instance.wordpress.db_name
  })
}

resource "aws_instance" "admin" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.micro"
  user_data = templatefile("${path.module}/admin.tpl", {
    db_user     = aws_db_instance.wordpress.username
    db_password = random_password.db.result
  })
}
