output "create_invoke_arn" {
  value = try(kubernetes_manifest.create.object.status.url, "http://${kubernetes_manifest.create.manifest.metadata.name}.${kubernetes_manifest.create.manifest.metadata.namespace}.svc.cluster.local")
}

output "create_function_name" {
  value = kubernetes_manifest.create.manifest.metadata.name
}

output "get_invoke_arn" {
  value = try(kubernetes_manifest.get.object.status.url, "http://${kubernetes_manifest.get.manifest.metadata.name}.${kubernetes_manifest.get.manifest.metadata.namespace}.svc.cluster.local")
}
