variable "instance_id" {
  type = string
}

module "cluster" {
  source      = "./cluster"
  instance_id = var.instance_id
}

# On AWS neither value is sensitive; on DigitalOcean both come from `kube_config`.
output "cluster_ca" {
  value = module.cluster.ca
}

output "cluster" {
  value = module.cluster.cluster
}

output "endpoint" {
  value = module.cluster.endpoint
}
