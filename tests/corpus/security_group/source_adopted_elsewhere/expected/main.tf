module "sg" {
  source      = "./modules/sg"
  vpc_id      = digitalocean_vpc.main.id
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "web" {
  source      = "./modules/web"
  sg_ids      = [module.sg.web_sg_id]
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "db" {
  name                 = "db-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.db.urn]])
}
