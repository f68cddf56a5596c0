output "replica_vpc" {
  value = module.replica_network.vpc_id
}
