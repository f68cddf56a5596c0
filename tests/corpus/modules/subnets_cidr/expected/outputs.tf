output "network_cidr_blocks" {
  value = {
    public-a  = "10.0.0.0/24"
    public-b  = "10.0.1.0/24"
    private-a = "10.0.32.0/20"
  }
}

output "networks" {
  value = [for i, n in [{ name = "public-a", new_bits = 8 }, { name = "public-b", new_bits = 8 }, { name = null, new_bits = 4 }, { name = "private-a", new_bits = 4 }] : { name = n.name, new_bits = n.new_bits, cidr_block = n.name != null ? cidrsubnets(var.vpc_cidr, [for n in [{ name = "public-a", new_bits = 8 }, { name = "public-b", new_bits = 8 }, { name = null, new_bits = 4 }, { name = "private-a", new_bits = 4 }] : n.new_bits]...)[i] : null }]
}

output "other_blocks" {
  value = {for i, n in [{ name = "a", new_bits = 2 }, { name = "b", new_bits = 2 }] : n.name => cidrsubnets(var.other_cidr, [for n in [{ name = "a", new_bits = 2 }, { name = "b", new_bits = 2 }] : n.new_bits]...)[i] if n.name != null}
}

output "named_networks" {
  value = [
    {
      name       = "app"
      new_bits   = 4
      cidr_block = "172.16.0.0/16"
    },
    {
      name       = "db"
      new_bits   = 8
      cidr_block = "172.17.0.0/20"
    },
  ]
}
