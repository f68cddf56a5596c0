output "database_url" {
  value     = "postgresql://${module.rds.username}:${module.rds.password}@${module.rds.host}/labelstudio"
  sensitive = true
}
