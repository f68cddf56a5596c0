provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "analyst_cidrs" {
  type    = list(string)
  default = ["192.0.2.0/28", "192.0.2.64/28"]
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "db" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 10)
}

resource "aws_db_subnet_group" "main" {
  name       = "billing-${var.instance_id}"
  subnet_ids = aws_subnet.db[*].id
}

resource "aws_security_group" "app" {
  name   = "billing-app-${var.instance_id}"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name        = "billing-db-${var.instance_id}"
  description = "PostgreSQL"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "from the application servers"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  ingress {
    description = "analysts"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.analyst_cidrs
  }

  ingress {
    description = "VPN"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["172.16.0.0/12"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "monitoring" {
  name        = "billing-monitoring-${var.instance_id}"
  description = "metrics scraper"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "scraper" {
  security_group_id = aws_security_group.monitoring.id
  cidr_ipv4         = "10.40.200.5/32"
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
}

resource "aws_instance" "app" {
  count                  = 2
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.large"
  subnet_id              = aws_subnet.db[count.index].id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "billing-app-${count.index}-${var.instance_id}"
  }
}

resource "aws_db_instance" "billing" {
  identifier             = "billing-${var.instance_id}"
  engine                 = "postgres"
  engine_version         = "16.3"
  instance_class         = "db.t3.medium"
  allocated_storage      = 50
  db_name                = "billing"
  username               = "billing"
  password               = var.db_password
  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.db.id, aws_security_group.monitoring.id]
  skip_final_snapshot    = true
}

output "db_sg" {
  value = aws_security_group.db.id
}
