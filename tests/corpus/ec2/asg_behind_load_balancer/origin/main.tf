# Autoscaling groups behind load balancers (known gap #12): through `target_group_arns`, an
# `aws_autoscaling_attachment` and a classic ELB's `load_balancers`. Each load balancer targets
# its pools with `droplet_tag`; the pools' droplets carry that tag.

variable "name" {
  type    = string
  default = "shop"
}

resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  image_id      = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.medium"
}

resource "aws_lb" "web" {
  name    = "Web-Edge"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_autoscaling_group" "web" {
  name              = "web"
  min_size          = 2
  max_size          = 4
  target_group_arns = [aws_lb_target_group.web.arn]

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}

# An internal network load balancer whose name comes from a variable, reached through an
# attachment.
resource "aws_lb" "api" {
  name               = "${var.name}-api"
  load_balancer_type = "network"
  internal           = true
  subnets            = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 9000
  protocol = "TCP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "api" {
  load_balancer_arn = aws_lb.api.arn
  port              = 9000
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_autoscaling_group" "api" {
  name             = "api"
  min_size         = 1
  max_size         = 1
  desired_capacity = 1

  launch_template {
    id = aws_launch_template.web.id
  }
}

resource "aws_autoscaling_attachment" "api" {
  autoscaling_group_name = aws_autoscaling_group.api.id
  lb_target_group_arn    = aws_lb_target_group.api.arn
}

# A classic ELB in front of a group (`load_balancers` takes ELB names).
resource "aws_elb" "legacy" {
  name    = "legacy"
  subnets = ["subnet-1", "subnet-2"]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}

resource "aws_autoscaling_group" "legacy" {
  name_prefix     = "legacy-"
  min_size        = 2
  max_size        = 2
  load_balancers  = [aws_elb.legacy.name]

  launch_template {
    id = aws_launch_template.web.id
  }
}

# A second pool behind the first load balancer, through a traffic source attachment
# (provider 5.x): both pools carry the load balancer's tag.
resource "aws_autoscaling_group" "worker" {
  name     = "worker"
  min_size = 1
  max_size = 1

  launch_template {
    id = aws_launch_template.web.id
  }
}

resource "aws_autoscaling_traffic_source_attachment" "worker" {
  autoscaling_group_name = aws_autoscaling_group.worker.id

  traffic_source {
    identifier = aws_lb_target_group.web.arn
    type       = "elbv2"
  }
}
