output "api_key_names" {
  value = [
    kubernetes_secret_v1.api_keys_0.metadata[0].name,
    kubernetes_secret_v1.api_keys_1.metadata[0].name,
    kubernetes_secret_v1.api_keys_2.metadata[0].name,
  ]
}

output "second_key" {
  value     = var.ssm_vendor_api_key_secondary
  sensitive = true
}

output "keys_by_index" {
  value     = [for i in range(length(var.ssm_api_keys)) : [var.ssm_vendor_api_key_primary, var.ssm_vendor_api_key_secondary, var.ssm_vendor_api_key_backup][i]]
  sensitive = true
}
