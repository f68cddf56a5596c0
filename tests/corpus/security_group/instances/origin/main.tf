provider "aws" {
  region = "us-east-2"
}

variable "instance_id" {
  type = string
}

variable "office_cidrs" {
  type    = list(string)
  default = ["198.51.100.0/24"]
}

resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name = "shop-${var.instance_id}"
  }
}

resource "aws_security_group" "web" {
  name        = "shop_web"
  description = "Web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from the office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.office_cidrs
  }

  ingress {
    description      = "HTTP"
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description      = "HTTPS"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "ping from inside the VPC"
    from_port   = -1
    to_port     = -1
    protocol    = "icmp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  ingress {
    description = "app servers talk to each other"
    from_port   = 7000
    to_port     = 7100
    protocol    = "tcp"
    self        = true
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  tags = {
    Name = "shop-web"
  }
}

resource "aws_security_group" "unused" {
  name   = "legacy-${var.instance_id}"
  vpc_id = aws_vpc.main.id
}

resource "aws_instance" "web" {
  count                  = 2
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.medium"
  vpc_security_group_ids = [aws_security_group.web.id]

  tags = {
    Name = "shop-web-${count.index}-${var.instance_id}"
  }
}

resource "aws_instance" "admin" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}

output "web_sg_id" {
  value = aws_security_group.web.id
}

output "unused_sg_id" {
  value = aws_security_group.unused.id
}
