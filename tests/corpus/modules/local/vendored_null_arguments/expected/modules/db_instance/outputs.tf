output "this_db_instance_endpoint" {
  value = element(concat(coalescelist([], [for i in digitalocean_database_cluster.this : "${i.host}:${i.port}"]), [""]), 0)
}
