output "lambda_function_runtime" {
  value = var.runtime
}

output "lambda_function_timeout" {
  value = 3
}

output "lambda_function_memory" {
  value = 128
}

output "lambda_function_layers" {
  value = null
}
