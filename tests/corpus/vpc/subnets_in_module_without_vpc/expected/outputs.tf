output "subnet_cidr" {
  value = module.subnet.private_subnet_1_cidr_block
}
