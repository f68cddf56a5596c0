provider "aws" {
  region = "eu-north-1"
}

variable "instance_id" {
  type = string
}

locals {
  volumes = {
    logs    = { size = 50, type = "st1" }
    scratch = { size = 500, type = "gp2" }
  }
}

resource "aws_instance" "worker" {
  ami           = "ami-0d9a6f1c2e8b7a345"
  instance_type = "c6i.xlarge"

  tags = {
    Name = "worker-${var.instance_id}"
  }
}

resource "aws_ebs_volume" "fast" {
  availability_zone    = "eu-north-1a"
  size                 = 400
  type                 = "io2"
  iops                 = 16000
  multi_attach_enabled = true
  snapshot_id          = "snap-0a1b2c3d4e5f67890"
}

resource "aws_ebs_volume" "extra" {
  for_each          = local.volumes
  availability_zone = "eu-north-1a"
  size              = each.value.size
  type              = each.value.type
}

resource "aws_volume_attachment" "fast" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.fast.id
  instance_id = aws_instance.worker.id
}

resource "aws_volume_attachment" "extra" {
  for_each    = aws_ebs_volume.extra
  device_name = each.key == "logs" ? "/dev/sdg" : "/dev/sdi"
  volume_id   = each.value.id
  instance_id = aws_instance.worker.id
}

output "extra_volume_ids" {
  value = { for k, v in aws_ebs_volume.extra : k => v.id }
}
