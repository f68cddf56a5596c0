output "bus_arn" {
  value = null
}
