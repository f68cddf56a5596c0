output "target_group_arn" {
  value = module.lb.target_group_arn
}
