data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.30."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "jobs-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "main"
    size       = "s-4vcpu-8gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 5
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_droplet_autoscale" "workers" {
  name = "jobs-workers-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "c-4"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "pool:jobs-workers-${var.instance_id}"]
  }
}

resource "digitalocean_database_cluster" "jobs" {
  name            = "jobs-${var.instance_id}"
  engine          = "valkey"
  version         = "8"
  size            = "db-s-2vcpu-4gb"
  region          = var.region
  node_count      = 2
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "workers" {
  name = "jobs-workers-${var.instance_id}"
  tags = ["pool:jobs-workers-${var.instance_id}"]
}

resource "digitalocean_database_firewall" "jobs" {
  cluster_id = digitalocean_database_cluster.jobs.id

  rule {
    type  = "k8s"
    value = digitalocean_kubernetes_cluster.main.id
  }

  rule {
    type  = "tag"
    value = "pool:jobs-workers-${var.instance_id}"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn], [digitalocean_database_cluster.jobs.urn]])
}
