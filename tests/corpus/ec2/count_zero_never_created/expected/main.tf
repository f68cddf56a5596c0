module "pool" {
  source      = "./modules/pool"
  enabled     = false
  ami         = var.ami
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_droplet" "this" {
  name   = "this-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "spare" {
  count  = var.create_spare ? 1 : 0
  name   = "spare-${count.index}-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_spaces_bucket" "extra" {
  for_each = var.extra_buckets
  name     = "${each.value}-${var.instance_id}"
  region   = var.region
}

resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "kubernetes_secret_v1" "this" {
  count = var.ami == null ? 1 : 0

  metadata {
    name      = "aws-service-ami-amazon-linux-latest-amzn2-ami-hvm-x86-64-gp2-${count.index}"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.ssm_aws_service_ami_amazon_linux_latest_amzn2_ami_hvm_x86_64_gp2
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.this.urn], digitalocean_droplet.spare[*].urn, values(digitalocean_spaces_bucket.extra)[*].urn])
}
