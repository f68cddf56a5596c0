resource "digitalocean_database_cluster" "mysql" {
  name             = "app-db-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "mysql_user" {
  cluster_id = digitalocean_database_cluster.mysql.id
  name       = "admin"
}

resource "digitalocean_droplet" "bastion" {
  name   = "bastion-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]

  provisioner "file" {
    content     = templatefile("templates/db_deploy.tftpl", { rds-endpoint = digitalocean_database_cluster.mysql.host, dbpass = var.dbpass })
    destination = "/tmp/dbdeploy.sh"
  }

  provisioner "file" {
    source      = "schema.sql"
    destination = "/tmp/schema.sql"
  }

  provisioner "remote-exec" {
    inline = ["chmod +x /tmp/dbdeploy.sh", "sudo /tmp/dbdeploy.sh"]
  }

  connection {
    type        = "ssh"
    user        = "root"
    private_key = var.ssh_private_key
    host        = self.ipv4_address
  }
}

resource "digitalocean_droplet" "app" {
  name   = "app-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]

  provisioner "local-exec" {
    command = "echo ${self.ipv4_address_private} >> hosts.txt"
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
  resources = flatten([[digitalocean_database_cluster.mysql.urn], [digitalocean_droplet.bastion.urn], [digitalocean_droplet.app.urn]])
}
