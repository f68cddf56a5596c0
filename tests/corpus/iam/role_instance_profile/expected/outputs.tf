output "role_arn" {
  value = null
}

output "instance_profile_name" {
  value = null
}

output "policy_json" {
  value = null
}
