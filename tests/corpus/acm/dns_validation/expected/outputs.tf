output "certificate_arn" {
  value = digitalocean_certificate.app.name
}

output "validation_options" {
  value = null
}
