provider "aws" {
  region = "ca-central-1"
}

variable "instance_id" {
  type = string
}

variable "ami_id" {
  type    = string
  default = "ami-0a1b2c3d4e5f67890"
}

resource "aws_vpc" "main" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_subnet" "app" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.10.0.0/16", 8, count.index)
}

resource "aws_key_pair" "ops" {
  key_name_prefix = "ops-"
  public_key      = file("${path.module}/ops.pub")
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = var.ami_id
  instance_type = "m5.xlarge"
  key_name      = aws_key_pair.ops.key_name

  user_data = base64encode(<<-EOT
    #!/bin/bash
    docker run -d -p 80:8080 registry.example.com/app:1.4.2
  EOT
  )

  monitoring {
    enabled = true
  }

  iam_instance_profile {
    name = "app-instance"
  }
}

resource "aws_autoscaling_group" "app" {
  name                = "app-${var.instance_id}"
  min_size            = 2
  max_size            = 8
  desired_capacity    = 3
  vpc_zone_identifier = aws_subnet.app[*].id
  health_check_type   = "ELB"
  default_cooldown    = 300

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "app"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "cpu" {
  name                   = "cpu-target"
  autoscaling_group_name = aws_autoscaling_group.app.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 60
  }
}

resource "aws_autoscaling_policy" "step" {
  name                   = "scale-out-on-queue"
  autoscaling_group_name = aws_autoscaling_group.app.name
  policy_type            = "StepScaling"
  adjustment_type        = "ChangeInCapacity"

  step_adjustment {
    scaling_adjustment          = 2
    metric_interval_lower_bound = 0
  }
}

output "asg_name" {
  value = aws_autoscaling_group.app.name
}
