provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

resource "aws_instance" "worker" {
  ami           = "ami-0b9fd8b55a6e3c9d5"
  instance_type = "m6g.xlarge"
  key_name      = "ops-team"
  ebs_optimized = true

  user_data_base64 = base64encode(templatefile("${path.module}/worker.sh.tpl", {
    queue = "jobs"
  }))

  ipv6_address_count = 1

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 200
    volume_type = "io2"
    iops        = 4000
    encrypted   = true
  }

  tags = {
    Name = "Worker Node"
  }
}

resource "aws_instance" "legacy" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "x1e.xlarge"

  tags = {
    Name = "legacy_${var.instance_id}"
  }
}

output "worker_ipv6" {
  value = aws_instance.worker.ipv6_addresses
}

output "worker_dns" {
  value = aws_instance.worker.public_dns
}
