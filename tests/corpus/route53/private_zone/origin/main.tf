provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = "internal"
  }
}

resource "aws_route53_zone" "internal" {
  name = "svc.internal"

  vpc {
    vpc_id = aws_vpc.main.id
  }
}

resource "aws_route53_record" "db" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "db.svc.internal"
  type    = "CNAME"
  ttl     = 60
  records = ["db-primary.abc123.us-east-1.rds.amazonaws.com"]
}

resource "aws_route53_zone" "public" {
  name = "example.org"
}

output "internal_zone_id" {
  value = aws_route53_zone.internal.zone_id
}
