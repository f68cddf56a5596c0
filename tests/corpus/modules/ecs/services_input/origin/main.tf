# Sripriya1197/terraform-module (.modules/aws/ecs/main.tf): the registry ECS module with its
# services passed through the `services` input.
variable "instance_id" {
  type = string
}

variable "services" {
  type = any
  default = {
    api = {
      cpu    = 256
      memory = 512
    }
  }
}

module "ecs" {
  source  = "terraform-aws-modules/ecs/aws"
  version = "5.12.1"

  cluster_name                = "my-ecs-tf-cluster-${var.instance_id}"
  create_cloudwatch_log_group = false
  services                    = var.services
}
