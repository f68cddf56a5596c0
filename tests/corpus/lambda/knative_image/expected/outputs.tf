output "renderer_url" {
  value = try(kubernetes_manifest.renderer.object.status.url, "http://${kubernetes_manifest.renderer.manifest.metadata.name}.${kubernetes_manifest.renderer.manifest.metadata.namespace}.svc.cluster.local")
}

output "renderer_invoke_arn" {
  value = try(kubernetes_manifest.renderer.object.status.url, "http://${kubernetes_manifest.renderer.manifest.metadata.name}.${kubernetes_manifest.renderer.manifest.metadata.namespace}.svc.cluster.local")
}
