provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "api_image" {
  type    = string
  default = "ghcr.io/acme/api:3.4.1@sha256:9c2f5b1e4d3a7b6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
}

resource "aws_instance" "api" {
  ami           = "ami-0c7217cdde317cfec"
  instance_type = "t3.small"

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y docker
    systemctl enable --now docker
    docker run -d --restart always -p 80:8080 \
      -e DATABASE_URL=postgres://api@db.internal/api \
      ${var.api_image}
  EOT
}

resource "aws_instance" "reports" {
  ami           = "ami-0c7217cdde317cfec"
  instance_type = "t3.medium"
  user_data     = templatefile("${path.module}/scripts/reports.sh.tpl", { port = 9000 })
}
