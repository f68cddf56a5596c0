output "thing" {
  value = null
}

output "lookup" {
  value = null
}

output "suffix" {
  value = random_id.suffix.hex
}
