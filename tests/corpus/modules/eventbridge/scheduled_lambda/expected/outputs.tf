output "nightly_rule" {
  value = null
}
