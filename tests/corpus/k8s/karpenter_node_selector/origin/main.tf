# unity-sds/unity-sps (terraform-unity/modules/terraform-unity-sps-airflow/main.tf and
# airflow/helm/values.tmpl.yaml): a Deployment and the Airflow chart's values require nodes of
# a Karpenter NodePool (`karpenter.sh/nodepool`, `karpenter.k8s.aws/instance-family`). No DOKS
# node carries those labels, so the pods are never scheduled: both get a warning naming the
# node labels (kept workloads were not checked for EKS-only settings before).
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "eks" {
  name     = "sps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "helm_release" "airflow" {
  name       = "airflow"
  repository = "https://airflow.apache.org"
  chart      = "airflow"
  namespace  = "airflow"
  values = [<<-EOT
    nodeSelector:
      "karpenter.sh/nodepool": "airflow-core-components"
    EOT
  ]
}

resource "kubernetes_deployment" "ogc_processes_api" {
  metadata {
    name      = "ogc-processes-api"
    namespace = "airflow"
  }
  spec {
    replicas = 2
    selector {
      match_labels = {
        app = "ogc-processes-api"
      }
    }
    template {
      metadata {
        labels = {
          app = "ogc-processes-api"
        }
      }
      spec {
        affinity {
          node_affinity {
            required_during_scheduling_ignored_during_execution {
              node_selector_term {
                match_expressions {
                  key      = "karpenter.sh/nodepool"
                  operator = "In"
                  values   = ["airflow-core-components"]
                }
                match_expressions {
                  key      = "karpenter.k8s.aws/instance-family"
                  operator = "In"
                  values   = ["c6i", "c5"]
                }
              }
            }
          }
        }
        container {
          image = "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000"
          name  = "api"
        }
      }
    }
  }
}
