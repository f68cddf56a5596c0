provider "aws" {
  region = "us-west-2"
}

resource "aws_db_instance" "legacy" {
  identifier                  = "legacy-reports-${var.instance_id}"
  engine                      = "postgres"
  engine_version              = "11.22"
  instance_class              = "db.t3.small"
  allocated_storage           = 50
  username                    = "doadmin"
  manage_master_user_password = true
  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  skip_final_snapshot         = true
}

output "reports_db" {
  value = {
    host = aws_db_instance.legacy.address
    port = aws_db_instance.legacy.port
    user = aws_db_instance.legacy.username
  }
}
