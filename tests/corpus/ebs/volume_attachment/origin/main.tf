provider "aws" {
  region = "us-west-1"
}

variable "instance_id" {
  type = string
}

variable "data_volume_gib" {
  type    = number
  default = 100
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]
  }
}

resource "aws_instance" "db" {
  ami               = data.aws_ami.ubuntu.id
  instance_type     = "r6i.large"
  availability_zone = "us-west-1a"

  user_data = <<-EOT
    #cloud-config
    fs_setup:
      - device: /dev/nvme1n1
        filesystem: ext4
    mounts:
      - [/dev/nvme1n1, /var/lib/postgresql]
  EOT

  tags = {
    Name = "pg-${var.instance_id}"
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = aws_instance.db.availability_zone
  size              = var.data_volume_gib
  type              = "gp3"
  encrypted         = true
  kms_key_id        = "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  tags = {
    Name = "PG_Data"
  }
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdh"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.db.id
}

output "volume_id" {
  value = aws_ebs_volume.data.id
}

output "volume_arn" {
  value = aws_ebs_volume.data.arn
}

output "attached_device" {
  value = aws_volume_attachment.data.device_name
}
