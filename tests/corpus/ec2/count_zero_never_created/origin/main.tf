provider "aws" {
  region = "us-east-1"
}

variable "ami" {
  type    = string
  default = "ami-0abcdef1234567890"
}

variable "create_spare" {
  type    = bool
  default = false
}

variable "extra_buckets" {
  type    = map(string)
  default = {}
}

# Read only when no AMI is given (terraform-aws-ec2-instance). `var.ami` is a root variable,
# which each appliance's deploy may set: the lookup is kept with its `count`.
data "aws_ssm_parameter" "this" {
  count = var.ami == null ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
}

resource "aws_instance" "this" {
  ami           = try(coalesce(var.ami, nonsensitive(data.aws_ssm_parameter.this[0].value)), null)
  instance_type = "t3.micro"
}

# Toggled off by a root variable's default: kept with its `count`, so an appliance can turn it
# on at deploy time.
resource "aws_instance" "spare" {
  count         = var.create_spare ? 1 : 0
  ami           = var.ami
  instance_type = "t3.micro"
}

# Never created whatever the deploy sets: left out, references read an empty list.
resource "aws_eip" "spare" {
  count    = 0
  instance = aws_instance.spare[0].id
}

resource "aws_s3_bucket" "extra" {
  for_each = var.extra_buckets
  bucket   = each.value
}

output "spare_id" {
  value = try(aws_instance.spare[0].id, aws_instance.this.id)
}

output "spare_ids" {
  value = aws_instance.spare[*].id
}

output "spare_legacy_ids" {
  value = aws_instance.spare.*.private_ip
}

output "spare_count" {
  value = length(aws_instance.spare)
}

output "spare_ip" {
  value = one(aws_eip.spare[*].public_ip)
}

output "extra_buckets" {
  value = { for k, b in aws_s3_bucket.extra : k => b.bucket }
}

output "extra_count" {
  value = length(aws_s3_bucket.extra)
}

module "pool" {
  source  = "./modules/pool"
  enabled = false
  ami     = var.ami
}

output "pool_ids" {
  value = module.pool.node_ids
}
