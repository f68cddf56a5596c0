variable "sg_ids" {
  type = list(string)
}

resource "aws_instance" "web" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.small"
  vpc_security_group_ids = var.sg_ids
  tags                   = { Name = "web" }
}
