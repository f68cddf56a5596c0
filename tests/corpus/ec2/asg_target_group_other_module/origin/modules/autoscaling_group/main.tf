variable "tg_arn" {
  type = string
}

resource "aws_launch_template" "as_conf" {
  name_prefix   = "web_config"
  image_id      = "ami-0a3c3a20c09d6f377"
  instance_type = "t2.micro"
}

resource "aws_autoscaling_group" "nextcloud" {
  name              = "nextcloud"
  max_size          = 5
  min_size          = 1
  desired_capacity  = 4
  target_group_arns = [var.tg_arn]

  launch_template {
    id      = aws_launch_template.as_conf.id
    version = "$Latest"
  }
}
