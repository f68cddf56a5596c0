output "vpc_cidr_prefix" {
  value = lookup(var.vpc_cidr_prefix, terraform.workspace)
}
