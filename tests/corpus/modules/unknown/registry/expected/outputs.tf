output "graphql_url" {
  value = null
}
