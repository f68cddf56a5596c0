variable "vpc_id" {}

resource "aws_subnet" "private-1" {
  vpc_id            = var.vpc_id
  cidr_block        = "10.1.5.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private-2" {
  vpc_id            = var.vpc_id
  cidr_block        = "10.1.6.0/24"
  availability_zone = "us-east-1b"
}

output "private_subnet_1_id" {
  value = aws_subnet.private-1.id
}

output "private_subnet_2_id" {
  value = aws_subnet.private-2.id
}

output "private_subnet_1_cidr_block" {
  value = aws_subnet.private-1.cidr_block
}
