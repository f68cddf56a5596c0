# A bastion gets a second security group through its primary network interface
# (gebalamariusz/alb-asg-ecs, security_groups.tf).
provider "aws" {
  region = "eu-central-1"
}

resource "aws_security_group" "ssh" {
  name = "bastion-ssh"

  ingress {
    from_port   = 22
    to_port     = 22
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

resource "aws_security_group" "common_ports" {
  name = "common-ports"

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.ssh.id]
}

resource "aws_network_interface_sg_attachment" "bastion_common_ports" {
  security_group_id    = aws_security_group.common_ports.id
  network_interface_id = aws_instance.bastion.primary_network_interface_id
}
