output "function_arn" {
  value = null
}
