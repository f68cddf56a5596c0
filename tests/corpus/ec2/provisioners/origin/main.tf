# A bastion seeds the database through provisioners (afoot/aws_projects Project_1, bastion.tf);
# an app server waits with the AWS CLI (app_snap_targrt_lc.tf).
provider "aws" {
  region = "us-east-1"
}

variable "dbpass" {
  type      = string
  sensitive = true
}

variable "ssh_private_key" {
  type      = string
  sensitive = true
}

variable "user" {
  default = "ec2-user"
}

resource "aws_db_instance" "mysql" {
  identifier        = "app-db"
  engine            = "mysql"
  engine_version    = "8.0"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  username          = "admin"
  password          = var.dbpass
}

resource "aws_instance" "bastion" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t2.micro"

  provisioner "file" {
    content = templatefile("templates/db_deploy.tftpl", {
      rds-endpoint = aws_db_instance.mysql.address,
      dbpass       = var.dbpass
    })
    destination = "/tmp/dbdeploy.sh"
  }

  provisioner "file" {
    source      = "schema.sql"
    destination = "/tmp/schema.sql"
  }

  provisioner "remote-exec" {
    inline = [
      "chmod +x /tmp/dbdeploy.sh",
      "sudo /tmp/dbdeploy.sh"
    ]
  }

  connection {
    type        = "ssh"
    user        = var.user
    private_key = var.ssh_private_key
    host        = self.public_ip
  }
}

resource "aws_instance" "app" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.small"

  provisioner "local-exec" {
    command = "aws ec2 wait instance-status-ok --instance-ids ${self.id}"
  }

  provisioner "local-exec" {
    command = "echo ${self.private_ip} >> hosts.txt"
  }
}
