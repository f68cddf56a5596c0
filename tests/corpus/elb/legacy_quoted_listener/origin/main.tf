# Terraform 0.11 (origin: pinkal-vansia/terraform-ansible-laravel, terraform-asg/modules/ec2/elb):
# HCL 1 took a block type in quotes. The `user_data` heredoc holds the same shape, which stays
# as written.
provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "web" {
  ami           = "ami-0ac019f4fcb7cb7e6"
  instance_type = "t2.small"

  user_data = <<EOF
#!/bin/bash
cat > /etc/app.hcl <<CONF
"listener" {
  port = 80
}
CONF
EOF
}

resource "aws_elb" "elb" {
  availability_zones = ["us-east-1a"]
  instances          = ["${aws_instance.web.id}"]

  "listener" {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }

  "health_check" {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:80/"
    interval            = 30
  }
}

output "elb_dns" {
  value = "${aws_elb.elb.dns_name}"
}
