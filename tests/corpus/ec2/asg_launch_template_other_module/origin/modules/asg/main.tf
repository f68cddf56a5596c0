variable "lt_id" {
  type = string
}

variable "elb_id" {
  type = string
}

resource "aws_autoscaling_group" "asg" {
  max_size       = 2
  min_size       = 2
  load_balancers = [var.elb_id]

  launch_template {
    id      = var.lt_id
    version = "$Latest"
  }
}
