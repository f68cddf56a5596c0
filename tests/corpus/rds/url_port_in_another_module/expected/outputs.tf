output "database_url" {
  value = "postgres://${module.db.address}:${module.db.address_port}/app?sslmode=require"
}
