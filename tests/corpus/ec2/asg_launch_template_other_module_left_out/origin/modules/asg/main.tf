variable "lt_id" {
  type = string
}

resource "aws_autoscaling_group" "asg" {
  max_size = 2
  min_size = 2

  launch_template {
    id      = var.lt_id
    version = "$Latest"
  }
}
