output "function_name" {
  value = kubernetes_manifest.this.manifest.metadata.name
}
