variable "name" {
  type = string
}

resource "aws_vpc" "replica" {
  cidr_block = "10.1.0.0/16"

  tags = {
    Name = var.name
  }
}

output "vpc_id" {
  value = aws_vpc.replica.id
}
