output "url" {
  value = "https://${var.domain_name}"
}

output "load_balancer_address" {
  value = aws_lb.main.dns_name
}

output "api_repository" {
  value = aws_ecr_repository.api.repository_url
}

output "database_endpoint" {
  value = aws_db_instance.main.endpoint
}
