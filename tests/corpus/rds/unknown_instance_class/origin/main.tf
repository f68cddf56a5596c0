provider "aws" {
  region = "ap-southeast-1"
}

resource "aws_db_instance" "analytics" {
  identifier          = "analytics"
  engine              = "postgres"
  engine_version      = "15.7"
  instance_class      = "db.x2g.large"
  allocated_storage   = 200
  skip_final_snapshot = true
}

output "analytics_endpoint" {
  value = aws_db_instance.analytics.endpoint
}

output "analytics_address" {
  value = aws_db_instance.analytics.address
}
