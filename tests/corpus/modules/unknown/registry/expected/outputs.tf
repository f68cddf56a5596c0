output "workflow_arn" {
  value = null
}
