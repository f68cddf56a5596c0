variable "name" {
  type    = "string"
  default = "legacy"
}

variable "zones" {
  type    = "list"
  default = ["us-east-1a"]
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "${var.cidr}"
}

variable "cidr" {
  default = "10.10.0.0/16"
}

resource "aws_s3_bucket" "logs" {
  bucket     = "${var.name}-logs"
  depends_on = ["aws_vpc.main"]
}

output "vpc" {
  value = "${aws_vpc.main.id}"
}
