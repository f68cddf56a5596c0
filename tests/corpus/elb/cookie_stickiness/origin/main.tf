# A classic ELB in front of an Auto Scaling group, with load-balancer-generated cookie
# stickiness on its HTTP port (10 minutes).
provider "aws" {
  region = "eu-west-1"
}

resource "aws_launch_configuration" "web" {
  name_prefix   = "web-"
  image_id      = "ami-785db401"
  instance_type = "t3.small"
  user_data     = "#!/bin/bash\napt-get install -y nginx\n"
}

resource "aws_elb" "web" {
  name               = "web-elb"
  availability_zones = ["eu-west-1a", "eu-west-1b"]

  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }

  health_check {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:80/"
    interval            = 30
  }
}

resource "aws_lb_cookie_stickiness_policy" "web" {
  name                     = "web-sticky"
  load_balancer            = aws_elb.web.id
  lb_port                  = 80
  cookie_expiration_period = 600
}

resource "aws_autoscaling_group" "web" {
  name                 = "web"
  launch_configuration = aws_launch_configuration.web.name
  availability_zones   = ["eu-west-1a", "eu-west-1b"]
  min_size             = 2
  max_size             = 4
  load_balancers       = [aws_elb.web.name]
  health_check_type    = "ELB"
}

output "elb_dns_name" {
  value = aws_elb.web.dns_name
}
