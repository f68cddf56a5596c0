output "api_url" {
  value = try(kubernetes_manifest.api.object.status.url, "http://${kubernetes_manifest.api.manifest.metadata.name}.${kubernetes_manifest.api.manifest.metadata.namespace}.svc.cluster.local")
}

output "api_name" {
  value = kubernetes_manifest.api.manifest.metadata.name
}
