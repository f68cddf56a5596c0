# User data written for Amazon Linux that fails on the droplet (known gap #208): it installs
# the EFS mount helper with yum and mounts the file system with `mount -t efs`, in a script
# rendered by a `template_file` data source. The droplets run Ubuntu and the file system is a
# DigitalOcean NFS share: both are warned about. The second instance's script is plain Ubuntu.
resource "aws_efs_file_system" "shared" {
  creation_token = "shared-${var.instance_id}"
}

data "template_file" "init" {
  template = file("${path.module}/init.sh.tpl")
  vars = {
    efs_id = aws_efs_file_system.shared.id
  }
}

resource "aws_instance" "app" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  user_data     = data.template_file.init.rendered

  tags = {
    Name = "app-${var.instance_id}"
  }
}

resource "aws_instance" "worker" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  user_data     = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y nfs-common
  EOT

  tags = {
    Name = "worker-${var.instance_id}"
  }
}

variable "instance_id" {
  type = string
}
