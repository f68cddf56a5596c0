data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "platform-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "main"
    size       = "s-4vcpu-8gb"
    auto_scale = true
    min_nodes  = 1
    max_nodes  = 3
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "helm_release" "ingress" {
  name       = "ingress-nginx"
  repository = "https://kubernetes.github.io/ingress-nginx"
  chart      = "ingress-nginx"
  values     = [file("${path.module}/values/ingress.yaml")]
}

resource "helm_release" "metrics" {
  name       = "metrics-server"
  repository = "https://kubernetes-sigs.github.io/metrics-server"
  chart      = "metrics-server"
}

resource "kubectl_manifest" "issuer" {
  yaml_body = yamlencode({ apiVersion = "cert-manager.io/v1", kind = "ClusterIssuer", metadata = { name = "letsencrypt" }, spec = { acme = { server = "https://acme-v02.api.letsencrypt.org/directory", privateKeySecretRef = { name = "letsencrypt" }, solvers = [{ dns01 = { route53 = { region = "eu-central-1" } } }] } } })
}

resource "kubernetes_storage_class_v1" "fast" {
  metadata {
    name = "fast"
  }

  storage_provisioner = "dobs.csi.digitalocean.com"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
