resource "digitalocean_database_cluster" "stocks" {
  name       = "stocks-${var.instance_id}"
  engine     = "mysql"
  version    = "8"
  size       = "db-s-1vcpu-2gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "stocks_db" {
  cluster_id = digitalocean_database_cluster.stocks.id
  name       = "stocks"
}

resource "digitalocean_database_user" "stocks_user" {
  cluster_id = digitalocean_database_cluster.stocks.id
  name       = "root"
}

resource "terraform_data" "db_setup" {
  provisioner "local-exec" {
    interpreter = ["bash", "-c"]
    command     = <<-EOF
aws rds-data execute-statement --resource-arn "$DB_ARN" --database stocks --sql "CREATE TABLE stocks (id int)"
EOF
    environment = {
      DB_ARN = digitalocean_database_cluster.stocks.urn
    }
  }
}

resource "terraform_data" "deploy_app" {
  provisioner "local-exec" {
    command = "aws eks update-kubeconfig --name stocks-${var.instance_id} && kubectl apply -f manifests/"
  }

  provisioner "local-exec" {
    when    = destroy
    command = "kubectl delete ns stocks --force=true"
  }

  depends_on = [terraform_data.db_setup]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.stocks.urn]])
}
