variable "vpc_id" {}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app" }
}

output "sg_id" {
  value = aws_security_group.app.id
}
