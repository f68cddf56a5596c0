output "api_url" {
  description = "Base URL of the short-links API."
  value       = aws_apigatewayv2_api.http.api_endpoint
}

output "links_bucket" {
  value = aws_s3_bucket.links.bucket
}

output "functions" {
  value = {
    links    = aws_lambda_function.links.function_name
    redirect = aws_lambda_function.redirect.function_name
    cleanup  = aws_lambda_function.cleanup.function_name
  }
}
