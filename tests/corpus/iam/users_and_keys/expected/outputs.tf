output "ci_access_key_id" {
  value = null
}

output "ci_secret_access_key" {
  value     = null
  sensitive = true
}

output "github_oidc_arn" {
  value = null
}
