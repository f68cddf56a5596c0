# WordPress servers in an Auto Scaling group share wp-content on EFS: one mount target per
# private subnet, a file system policy, the user data mounting the file system by DNS name.
provider "aws" {
  region = "eu-central-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = ["eu-central-1a", "eu-central-1b"][count.index]
}

resource "aws_security_group" "app" {
  name   = "wordpress-app"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "efs" {
  name   = "wordpress-efs"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port       = 2049
    to_port         = 2049
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_efs_file_system" "wp" {
  creation_token   = "wordpress-efs"
  encrypted        = true
  performance_mode = "generalPurpose"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = {
    Name = "wordpress-efs"
  }
}

resource "aws_efs_mount_target" "wp" {
  count           = 2
  file_system_id  = aws_efs_file_system.wp.id
  subnet_id       = aws_subnet.private[count.index].id
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_file_system_policy" "wp" {
  file_system_id = aws_efs_file_system.wp.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    }]
  })
}

resource "aws_launch_template" "wp" {
  name_prefix            = "wordpress-"
  image_id               = "ami-0084a47cc718c111a"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
  user_data = base64encode(<<-EOT
    #!/bin/bash
    apt-get install -y nfs-common apache2 php
    mount -t nfs4 -o nfsvers=4.1 ${aws_efs_file_system.wp.dns_name}:/ /var/www/html/wp-content
  EOT
  )
}

resource "aws_autoscaling_group" "wp" {
  name                = "wordpress"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = aws_subnet.private[*].id

  launch_template {
    id      = aws_launch_template.wp.id
    version = "$Latest"
  }
}

output "efs_dns_name" {
  value = aws_efs_file_system.wp.dns_name
}

output "efs_mount_ip" {
  value = aws_efs_mount_target.wp[0].ip_address
}
