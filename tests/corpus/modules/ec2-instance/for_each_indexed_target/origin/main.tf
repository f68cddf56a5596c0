# A repeated registry EC2 module (`for_each`) registered in a target group instance by instance
# (`module.app[0].id`): the reference reads the instance of the droplet the module became, so the
# load balancer gets the droplets as targets.
module "app" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  version = "5.6.0"

  for_each      = toset(["0", "1"])
  name          = "app-${each.key}-${var.instance_id}"
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-aaa", "subnet-bbb"]
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = "vpc-0123456789abcdef0"
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

resource "aws_lb_target_group_attachment" "vm1" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = module.app[0].id
  port             = 80
}

resource "aws_lb_target_group_attachment" "vm2" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = module.app[1].id
  port             = 80
}

variable "instance_id" {
  type = string
}
