provider "aws" {
  region = "ap-southeast-2"
}

variable "instance_id" {
  type = string
}

variable "web_count" {
  type    = number
  default = 3
}

resource "aws_vpc" "this" {
  cidr_block = "172.16.0.0/16"
  tags = {
    Name = "app-${var.instance_id}"
  }
}

resource "aws_instance" "web" {
  count         = var.web_count
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"

  tags = {
    Name = "web-${var.instance_id}-${count.index}"
  }
}

resource "aws_instance" "admin" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  tags = {
    Name = "admin-${var.instance_id}"
  }
}

resource "aws_lb" "app" {
  name               = "app-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-aaa", "subnet-bbb"]
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.this.id

  health_check {
    path    = "/health"
    matcher = "200"
  }
}

resource "aws_lb_target_group_attachment" "web" {
  count            = var.web_count
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web[count.index].id
  port             = 80
}

resource "aws_lb_target_group_attachment" "admin" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.admin.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = "80"
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

output "lb_dns_name" {
  value = aws_lb.app.dns_name
}
