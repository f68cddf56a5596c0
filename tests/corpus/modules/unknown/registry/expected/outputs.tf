output "zone_ids" {
  value = null
}
