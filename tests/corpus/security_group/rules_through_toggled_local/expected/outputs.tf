output "security_group_id" {
  value = local.this_sg_id
}
