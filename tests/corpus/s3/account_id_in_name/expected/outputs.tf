output "account" {
  value = local.account_id
}
