output "customer_certificate" {
  value = digitalocean_certificate.customer.name
}
