output "legacy_endpoint" {
  value = "${var.db_legacy_address}:${var.db_legacy_port}"
}

output "legacy_arn" {
  value = null
}
