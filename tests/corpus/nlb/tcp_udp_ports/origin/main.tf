provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

variable "game_ports" {
  description = "Game server ports exposed through the load balancer"
  type        = map(number)
  default = {
    lobby = 7777
    match = 7778
  }
}

resource "aws_lb" "game" {
  name               = "game-${var.instance_id}"
  load_balancer_type = "network"
  subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
}

resource "aws_lb_target_group" "dns" {
  name     = "dns-${var.instance_id}"
  port     = 53
  protocol = "TCP_UDP"
  vpc_id   = "vpc-0123456789"

  health_check {
    protocol = "TCP"
    port     = "53"
  }
}

resource "aws_lb_listener" "dns" {
  load_balancer_arn = aws_lb.game.arn
  port              = 53
  protocol          = "TCP_UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dns.arn
  }
}

resource "aws_lb_target_group" "game" {
  for_each = var.game_ports

  name     = "${each.key}-${var.instance_id}"
  port     = each.value
  protocol = "UDP"
  vpc_id   = "vpc-0123456789"

  health_check {
    protocol = "TCP"
    port     = "53"
  }
}

resource "aws_lb_listener" "game" {
  for_each = var.game_ports

  load_balancer_arn = aws_lb.game.arn
  port              = each.value
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.game[each.key].arn
  }
}

output "game_ip" {
  value = aws_lb.game.dns_name
}
