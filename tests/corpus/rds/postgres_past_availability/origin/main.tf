# PostgreSQL 14 is still listed by DigitalOcean, but its end of availability (2026-05-12,
# `do-slugs.json`) has passed: no new cluster of it can be created. The appliance gets 15, the
# oldest version still offered, with a warning.
resource "aws_db_instance" "app" {
  identifier                  = "app"
  engine                      = "postgres"
  engine_version              = "14.12"
  instance_class              = "db.t3.medium"
  username                    = "app"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
