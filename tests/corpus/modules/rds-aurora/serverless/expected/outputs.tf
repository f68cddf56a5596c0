output "writer" {
  value = null
}

output "reader" {
  value = null
}

output "port" {
  value = null
}

output "database" {
  value = null
}
