# A mount of a subdirectory through one of the file system's mount targets (known gap #91):
# `${aws_efs_mount_target.shared[0].ip_address}:/uploads`. The mount targets fold into the
# share, whose host replaces theirs; the path after it is the share's `mount_path` followed
# by the subdirectory, not the NFS server's root.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}

resource "aws_efs_file_system" "shared" {
  creation_token = "uploads-${var.instance_id}"
}

resource "aws_efs_mount_target" "shared" {
  count          = 2
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = aws_subnet.private[count.index].id
}

resource "aws_instance" "app" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  subnet_id     = aws_subnet.private[0].id
  user_data     = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y nfs-common
    mkdir -p /srv/uploads
    mount -t nfs4 ${aws_efs_mount_target.shared[0].ip_address}:/uploads /srv/uploads
  EOT

  tags = {
    Name = "app-${var.instance_id}"
  }
}

variable "instance_id" {
  type = string
}
