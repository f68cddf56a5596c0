output "db_endpoint" {
  value     = module.db.this_db_instance_endpoint
  sensitive = true
}
