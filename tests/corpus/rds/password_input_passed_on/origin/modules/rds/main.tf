variable "instance_id" {
  type = string
}

variable "username" {
  type    = string
  default = "labelstudio"
}

variable "password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "this" {
  identifier        = "label-studio-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t3.medium"
  allocated_storage = 20
  username          = var.username
  password          = var.password
}

output "host" {
  value = aws_db_instance.this.address
}

output "username" {
  value = var.username
}

# The login goes on to the application: on DigitalOcean it is the cluster's admin user and
# the password DigitalOcean generated for it.
output "password" {
  value     = var.password
  sensitive = true
}
