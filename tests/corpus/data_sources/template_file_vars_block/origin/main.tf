# Terraform 0.11: a kept data source's and resource's map arguments written as blocks.
data "template_file" "init" {
  template = "${file("${path.module}/init.tpl")}"

  vars {
    db_host = "${aws_db_instance.app.address}"
    db_name = "app"
  }
}

resource "aws_db_instance" "app" {
  identifier          = "app"
  engine              = "mysql"
  engine_version      = "8.0"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "${var.db_password}"
  skip_final_snapshot = true
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = "${data.template_file.init.rendered}"
}

resource "null_resource" "migrate" {
  triggers {
    db = "${aws_db_instance.app.id}"
  }
}

variable "db_password" {}
