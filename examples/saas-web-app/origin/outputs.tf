output "cluster_endpoint" {
  value = aws_eks_cluster.main.endpoint
}

output "cluster_name" {
  value = aws_eks_cluster.main.name
}

output "database_endpoint" {
  value = aws_db_instance.app.endpoint
}

output "database_url" {
  value     = "postgres://${aws_db_instance.app.username}:${random_password.db.result}@${aws_db_instance.app.address}:${aws_db_instance.app.port}/${aws_db_instance.app.db_name}"
  sensitive = true
}

output "redis_endpoint" {
  value = aws_elasticache_replication_group.sessions.primary_endpoint_address
}

output "uploads_bucket" {
  value = aws_s3_bucket.uploads.bucket
}

output "load_balancer_dns" {
  value = aws_lb.web.dns_name
}

output "name_servers" {
  value = aws_route53_zone.main.name_servers
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}
