variable "instance_id" {
  type = string
}

resource "aws_lb" "app" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_instance" "web" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.micro"
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = "vpc-123"
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
  port             = 80
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

output "dns_name" {
  value = lower(aws_lb.app.dns_name)
}

output "zone_id" {
  value = aws_lb.app.zone_id
}
