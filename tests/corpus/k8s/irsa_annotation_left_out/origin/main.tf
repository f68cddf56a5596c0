# Megs17/Eyego_Project (infra_terraform_code/service-account-jenkins-ecr.tf): a service account
# annotated with the IAM role of IRSA. The role has no DigitalOcean counterpart: the annotation
# entry is left out (F401) rather than written as `null`; the other entries stay.
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "eks" {
  name     = "dev-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_iam_role" "ecr_access" {
  name = "ecr-access-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/oidc.eks" } }]
  })
}

resource "kubernetes_service_account" "ecr_access" {
  metadata {
    name      = "ecr-access-sa"
    namespace = "jenkins"

    annotations = {
      "eks.amazonaws.com/role-arn" = aws_iam_role.ecr_access.arn
      "example.com/owner"          = "ci"
    }
    labels = {
      role = aws_iam_role.ecr_access.name
    }
  }
}
