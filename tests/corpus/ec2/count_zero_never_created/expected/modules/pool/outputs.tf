output "node_ids" {
  value = []
}
