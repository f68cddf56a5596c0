output "worker_urls" {
  value = [for i in kubernetes_manifest.worker : try(i.object.status.url, "http://${i.manifest.metadata.name}.${i.manifest.metadata.namespace}.svc.cluster.local")]
}

output "worker_names" {
  value = [for w in kubernetes_manifest.worker : w.manifest.metadata.name]
}
