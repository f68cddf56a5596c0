provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

# A bastion: a VM is what it needs.
resource "aws_instance" "bastion" {
  ami           = "ami-0c7217cdde317cfec"
  instance_type = "t3.micro"

  user_data = <<-EOT
    #!/bin/bash
    dnf install -y amazon-ssm-agent fail2ban
    systemctl enable --now fail2ban
  EOT
}

resource "aws_instance" "build" {
  ami           = "ami-0c7217cdde317cfec"
  instance_type = "c6i.2xlarge"
  user_data     = file("${path.module}/scripts/build-agent.sh")
}
