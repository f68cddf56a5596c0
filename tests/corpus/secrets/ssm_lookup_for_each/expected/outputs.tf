output "vendor_values" {
  value     = {for k, p in { "license" = { name = kubernetes_secret_v1.vendor_license.metadata[0].name, value = var.ssm_vendor_license_key, arn = kubernetes_secret_v1.vendor_license.id, id = kubernetes_secret_v1.vendor_license.id }, "smtp_password" = { name = kubernetes_secret_v1.vendor_smtp_password.metadata[0].name, value = var.ssm_vendor_smtp_password, arn = kubernetes_secret_v1.vendor_smtp_password.id, id = kubernetes_secret_v1.vendor_smtp_password.id } } : k => p.value}
  sensitive = true
}

output "vendor_list" {
  value     = values({ "license" = { name = kubernetes_secret_v1.vendor_license.metadata[0].name, value = var.ssm_vendor_license_key, arn = kubernetes_secret_v1.vendor_license.id, id = kubernetes_secret_v1.vendor_license.id }, "smtp_password" = { name = kubernetes_secret_v1.vendor_smtp_password.metadata[0].name, value = var.ssm_vendor_smtp_password, arn = kubernetes_secret_v1.vendor_smtp_password.id, id = kubernetes_secret_v1.vendor_smtp_password.id } })[*].value
  sensitive = true
}

output "extra_values" {
  value     = var.ssm_extra
  sensitive = true
}
