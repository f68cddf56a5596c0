resource "helm_release" "x" {
  name   = "x"
  chart  = "x"
  values = [
    <<YAML
a: 1
YAML
    ,
    <<-EOT
b: 2
EOT
    ,
  ]

  set {
    name  = "k"
    value = trimspace(<<EOT
hello
EOT
    )
  }
}

resource "digitalocean_droplet" "i" {
  name      = "i-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = base64encode(<<EOT
#!/bin/sh
echo hi
EOT
  )
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.i.urn]])
}
