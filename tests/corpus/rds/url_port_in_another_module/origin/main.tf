module "db" {
  source = "./modules/db"
}

output "database_url" {
  value = "postgres://${module.db.address}:5432/app?sslmode=require"
}
