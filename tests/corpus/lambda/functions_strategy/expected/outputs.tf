output "signup_url" {
  value = null
}

output "report_function" {
  value = "report-${var.instance_id}"
}
