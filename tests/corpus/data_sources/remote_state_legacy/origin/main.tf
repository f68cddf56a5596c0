# Terraform 0.11: remote state outputs are read without `outputs`, `config` is a block.
data "terraform_remote_state" "db" {
  backend = "s3"

  config {
    bucket = "${var.db_remote_state_bucket}"
    key    = "${var.db_remote_state_key}"
    region = "us-east-1"
  }
}

data "template_file" "user_data" {
  template = "${file("${path.module}/user-data.sh")}"

  vars {
    server_port = "${var.server_port}"
    db_address  = "${data.terraform_remote_state.db.address}"
    db_port     = "${data.terraform_remote_state.db.port}"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t2.micro"
  user_data     = "${data.template_file.user_data.rendered}"

  tags {
    Name = "web"
  }
}

variable "db_remote_state_bucket" {}

variable "db_remote_state_key" {
  default = "stage/data-stores/mysql/terraform.tfstate"
}

variable "server_port" {
  default = 8080
}
