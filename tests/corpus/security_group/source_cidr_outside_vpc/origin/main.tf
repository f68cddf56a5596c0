# Known gap #239, with a stack VPC: a rule admitting `172.31.0.0/16` (the AWS default VPC's
# range) admits a network outside the stack's VPC (`10.0.0.0/16`), which reaches nobody on
# DigitalOcean unless it is connected; a subnet of the stack VPC (`10.0.1.0/24`) is silent.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["172.31.0.0/16", "10.0.1.0/24"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
