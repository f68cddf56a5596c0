output "thumbnail_url" {
  value = try(kubernetes_manifest.thumbnail.object.status.url, "http://${kubernetes_manifest.thumbnail.manifest.metadata.name}.${kubernetes_manifest.thumbnail.manifest.metadata.namespace}.svc.cluster.local")
}

output "thumbnail_function" {
  value = kubernetes_manifest.thumbnail.manifest.metadata.name
}

output "thumbnail_arn" {
  value = null
}
