# The registry ECR module (shape of dukeofgaming/ipfs-metadata `iac/terraform/app`): a
# repository of the appliance's registry; its lifecycle policy is an input not carried over
# (gap #131).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

module "ecr" {
  source  = "terraform-aws-modules/ecr/aws"
  version = "~> 2.2"

  repository_name                 = "ipfs-metadata"
  repository_image_tag_mutability = "MUTABLE"
  repository_force_delete         = true

  repository_lifecycle_policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep last 10 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }
      action       = { type = "expire" }
    }]
  })

  tags = {
    Project = "ipfs-metadata"
  }
}

output "repository_url" {
  value = module.ecr.repository_url
}
