# Megs17/Eyego_Project (infra_terraform_code/eks-storage-class.tf, jenkins.tf): a StorageClass of
# the EBS CSI driver that the Jenkins chart's values name (`storageClass: "ebs-sc"`). On DOKS
# nothing serves `ebs.csi.aws.com`: the class now provisions DigitalOcean volumes
# (`dobs.csi.digitalocean.com`) under its own name, its EBS parameters left out but the file
# system type; an in-tree `kubernetes.io/aws-ebs` class loses its AWS zones too. A class of
# another provisioner is kept as written.
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

resource "kubernetes_storage_class" "ebs_sc" {
  metadata {
    name = "ebs-sc"
  }

  storage_provisioner = "ebs.csi.aws.com"

  parameters = {
    type      = "gp3"
    fsType    = "ext4"
    encrypted = "true"
  }

  reclaim_policy         = "Delete"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
}

resource "kubernetes_storage_class_v1" "gp2" {
  metadata {
    name = "gp2-zonal"
  }

  storage_provisioner = "kubernetes.io/aws-ebs"

  parameters = {
    type = "gp2"
  }

  allowed_topologies {
    match_label_expressions {
      key    = "topology.ebs.csi.aws.com/zone"
      values = ["us-east-1a"]
    }
  }
}

resource "kubernetes_storage_class" "local" {
  metadata {
    name = "local-path"
  }

  storage_provisioner = "rancher.io/local-path"
  volume_binding_mode = "WaitForFirstConsumer"
}

resource "helm_release" "jenkins" {
  name             = "jenkins"
  repository       = "https://charts.jenkins.io"
  chart            = "jenkins"
  namespace        = "jenkins"
  create_namespace = true
  version          = "5.8.49"

  values = [file("${path.module}/values/jenkins-values.yaml")]

  depends_on = [kubernetes_storage_class.ebs_sc]
}
