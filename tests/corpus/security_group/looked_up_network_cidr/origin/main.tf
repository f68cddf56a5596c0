# Groups admitting "anything inside the network" of a VPC the stack looks up: the appliance has
# no such range, so the droplets' firewall and the database's admit the appliance's tag; a
# literal CIDR next to it stays.
data "aws_vpc" "existing" {
  tags = { Name = "main" }
}

data "aws_subnet" "app" {
  id = "subnet-0123"
}

resource "aws_security_group" "app" {
  name   = "app-${var.instance_id}"
  vpc_id = data.aws_vpc.existing.id

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.existing.cidr_block]
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [data.aws_subnet.app.cidr_block, "203.0.113.0/24"]
  }
}

resource "aws_security_group" "db" {
  name   = "db-${var.instance_id}"
  vpc_id = data.aws_vpc.existing.id

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.existing.cidr_block]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { "instance-id" = var.instance_id }
}

resource "aws_db_instance" "db" {
  identifier             = "app-${var.instance_id}"
  engine                 = "postgres"
  engine_version         = "16"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "app"
  manage_master_user_password = true
  vpc_security_group_ids = [aws_security_group.db.id]
}

variable "instance_id" {
  type = string
}
