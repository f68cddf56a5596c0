# terraform-aws-modules/autoscaling: a launch template and an Auto Scaling group of three
# web servers behind an ALB target group: droplets from the template's image, size and user
# data, and a load balancer over them.
variable "instance_id" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_subnet" "web" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.1.0/24"
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

module "web" {
  source  = "terraform-aws-modules/autoscaling/aws"
  version = "~> 7.4"

  name                = "web-${var.instance_id}"
  min_size            = 2
  max_size            = 6
  desired_capacity    = 3
  vpc_zone_identifier = [aws_subnet.web.id]
  target_group_arns   = [aws_lb_target_group.web.arn]
  health_check_type   = "ELB"

  launch_template_name = "web"
  image_id             = "ami-0c55b159cbfafe1f0"
  instance_type        = "t3.medium"
  user_data            = base64encode("#!/bin/bash\nsystemctl start nginx\n")

  create_iam_instance_profile = true
  iam_role_name               = "web-${var.instance_id}"
}

output "asg_name" {
  value = module.web.autoscaling_group_name
}
