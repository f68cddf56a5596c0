output "internal_zone_id" {
  value = null
}
