output "api_url" {
  description = "Base URL of the short-links API."
  value       = "http://${kubernetes_ingress_v1.http_links.status[0].load_balancer[0].ingress[0].ip}"
}

output "links_bucket" {
  value = digitalocean_spaces_bucket.links.name
}

output "functions" {
  value = {
    links    = kubernetes_manifest.links.manifest.metadata.name
    redirect = kubernetes_manifest.redirect.manifest.metadata.name
    cleanup  = kubernetes_manifest.cleanup.manifest.metadata.name
  }
}
