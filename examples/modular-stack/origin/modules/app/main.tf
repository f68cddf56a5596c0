variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "instance_count" {
  type    = number
  default = 1
}

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 3000
    to_port     = 3000
    protocol    = "tcp"
    cidr_blocks = ["10.30.0.0/16"]
  }
}

resource "aws_instance" "app" {
  count                  = var.instance_count
  ami                    = "ami-0c2d06d50ce30b442"
  instance_type          = "t3.medium"
  subnet_id              = var.subnet_ids[count.index]
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "${var.name}-app-${count.index}"
  }
}

output "private_ips" {
  value = aws_instance.app[*].private_ip
}

output "instance_ids" {
  value = aws_instance.app[*].id
}
