output "ids" {
  value = {
    web    = "acme-prod-webapp"
    db     = "acme-prod-webapp-db"
    cache  = join("-", compact(["acme", lower(replace(var.stage, "/[^-a-zA-Z0-9]/", "")), "cache", "a-b"]))
    off    = ""
    worker = join("-", compact([lower(replace(join("-", compact(["acme", lower(replace(var.stage, "/[^-a-zA-Z0-9]/", "")), "cache", "a-b"])), "/[^-a-zA-Z0-9]/", "")), "worker"]))
    sg     = local.sg_name
  }
}

output "db_tags" {
  value = {
    Namespace  = "acme"
    Stage      = "prod"
    Name       = "acme-prod-webapp-db"
    Attributes = "db"
    Team       = "platform"
  }
}

output "cache_attributes" {
  value = ["a", "b"]
}
