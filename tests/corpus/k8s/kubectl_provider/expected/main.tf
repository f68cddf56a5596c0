data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.31."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "app-${var.instance_id}"
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

resource "kubectl_manifest" "issuer" {
  yaml_body = yamlencode({ apiVersion = "cert-manager.io/v1", kind = "ClusterIssuer", metadata = { name = "letsencrypt" }, spec = { acme = { server = "https://acme-v02.api.letsencrypt.org/directory", email = "ops@example.com", privateKeySecretRef = { name = "letsencrypt" }, solvers = [{ http01 = { ingress = { ingressClassName = "nginx" } } }] } } })
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
