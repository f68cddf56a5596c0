output "private_subnet_1_id" {
  value = var.vpc_id
}

output "private_subnet_2_id" {
  value = var.vpc_id
}

output "private_subnet_1_cidr_block" {
  value = null
}
