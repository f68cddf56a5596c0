output "api_url" {
  value = module.api.aws_api.api_endpoint
}
