provider "aws" {
  region = "ap-south-1"
}

variable "instance_id" {
  type = string
}

variable "app_count" {
  type    = number
  default = 3
}

data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }
}

resource "aws_instance" "app" {
  count         = var.app_count
  ami           = data.aws_ami.debian.id
  instance_type = "c5.large"

  tags = {
    Name = "app-${count.index}-${var.instance_id}"
  }
}

resource "aws_instance" "cache" {
  for_each      = toset(["a", "b"])
  ami           = data.aws_ami.debian.id
  instance_type = "r5.large"
}

resource "aws_eip" "app" {
  count    = var.app_count
  instance = aws_instance.app[count.index].id
  domain   = "vpc"
}

output "app_ips" {
  value = aws_eip.app[*].public_ip
}

output "app_private_ips" {
  value = aws_instance.app[*].private_ip
}

output "cache_ids" {
  value = [for c in aws_instance.cache : c.id]
}
