# Known gap #239: the instances' group admits SSH from `var.vpc_cidr`, the AWS default VPC's
# range, but the stack declares no VPC: on DigitalOcean the droplets join the region's default
# VPC, whose range differs, so the rule admits nobody. Ferry keeps the rule and says so.
variable "vpc_cidr" {
  type    = list(string)
  default = ["172.31.0.0/16"]
}

resource "aws_security_group" "kafka" {
  name = "kafka"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.vpc_cidr
  }
}

resource "aws_instance" "broker" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.kafka.id]
}
