output "certificate" {
  value = digitalocean_certificate.acm.name
}
