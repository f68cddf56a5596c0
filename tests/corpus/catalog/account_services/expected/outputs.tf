output "detector_id" {
  value = null
}
