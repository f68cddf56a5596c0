output "target_group_arn" {
  value = null
}
