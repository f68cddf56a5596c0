output "invoke_arn" {
  value = try(kubernetes_manifest.this.object.status.url, "http://${kubernetes_manifest.this.manifest.metadata.name}.${kubernetes_manifest.this.manifest.metadata.namespace}.svc.cluster.local")
}
