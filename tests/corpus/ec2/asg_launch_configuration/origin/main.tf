provider "aws" {
  region = "ap-southeast-1"
}

variable "instance_id" {
  type = string
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-*-x86_64"]
  }
}

resource "aws_security_group" "workers" {
  name = "workers-${var.instance_id}"

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_launch_configuration" "workers" {
  name_prefix       = "workers-"
  image_id          = data.aws_ami.al2023.id
  instance_type     = "t3a.medium"
  security_groups   = [aws_security_group.workers.id]
  enable_monitoring = true

  user_data = <<-EOT
    #!/bin/bash
    dnf install -y docker
    systemctl enable --now docker
  EOT

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group" "workers" {
  name                 = "workers-${var.instance_id}"
  launch_configuration = aws_launch_configuration.workers.name
  min_size             = 3
  max_size             = 3
  availability_zones   = ["ap-southeast-1a", "ap-southeast-1b"]
}

resource "aws_autoscaling_group" "orphan" {
  name     = "orphan-${var.instance_id}"
  min_size = 1
  max_size = 1

  launch_template {
    id = "lt-0123456789abcdef0"
  }
}
