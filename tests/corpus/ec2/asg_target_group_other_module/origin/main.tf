# TheDarthMole/terraform-aws-nextcloud (main.tf, modules/autoscaling_group; known gap #209):
# the ALB, its listener and target group are in the root, the Auto Scaling group that
# registers in the target group in a module. The load balancer targets the pool's droplets by
# a tag (`droplet_tag`) that the pool's droplet template carries.
variable "instance_id" {
  type = string
}

resource "aws_lb" "test" {
  name               = "test-lb-tf"
  load_balancer_type = "application"
  subnets            = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "web" {
  name     = "nextcloud"
  port     = 80
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.test.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

module "asg" {
  source = "./modules/autoscaling_group"
  tg_arn = aws_lb_target_group.web.arn
}
