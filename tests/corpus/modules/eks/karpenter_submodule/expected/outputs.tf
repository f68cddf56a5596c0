output "karpenter_node_role" {
  value = null
}
