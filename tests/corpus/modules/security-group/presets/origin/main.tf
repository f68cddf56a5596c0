module "web_sg" {
  source  = "terraform-aws-modules/security-group/aws//modules/web"
  version = "~> 5.1"

  name                = "acme-web"
  description         = "Public web traffic"
  vpc_id              = "vpc-0123456789abcdef0"
  ingress_cidr_blocks = ["0.0.0.0/0"]
}

module "ssh_sg" {
  source = "terraform-aws-modules/security-group/aws"

  name            = "acme-ssh"
  use_name_prefix = false
  vpc_id          = "vpc-0123456789abcdef0"

  ingress_with_cidr_blocks = [
    {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      description = "Office"
      cidr_blocks = "203.0.113.0/24,198.51.100.0/24"
    },
  ]
  egress_rules = ["all-all"]
}

output "web_sg_id" {
  value = module.web_sg.security_group_id
}

output "ssh_sg_name" {
  value = module.ssh_sg.security_group_name
}
