# An app server is configured once, baked into an AMI and the Auto Scaling group boots the AMI
# (afoot/aws_projects Project_1, app_snap_targrt_lc.tf).
provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "app" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.small"
  user_data     = "#!/bin/bash\napt-get update && apt-get install -y nginx\n"
}

resource "aws_ami_from_instance" "ami" {
  name               = "ami-from-instance"
  description        = "AMI from instance ${aws_instance.app.id}"
  source_instance_id = aws_instance.app.id
  depends_on         = [aws_instance.app]
}

resource "aws_launch_template" "app_lt" {
  name_prefix   = "lt-"
  image_id      = aws_ami_from_instance.ami.id
  instance_type = "t3.small"
}

resource "aws_autoscaling_group" "app_asg" {
  name             = "app-asg"
  min_size         = 2
  max_size         = 3
  desired_capacity = 2

  launch_template {
    id      = aws_launch_template.app_lt.id
    version = "$Latest"
  }
}
