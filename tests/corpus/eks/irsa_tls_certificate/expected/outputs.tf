output "api_fingerprint" {
  value = data.tls_certificate.api.certificates[0].sha1_fingerprint
}
