# The autoscaling module before 5.0 (`lt_name`, `user_data_base64`) behind the alb module
# before 6.0, whose outputs were named `this_lb_*`, joined by an `aws_autoscaling_attachment`.
provider "aws" {
  region = "ca-central-1"
}

module "asg" {
  source  = "terraform-aws-modules/autoscaling/aws"
  version = "~> 4.0"

  name             = "wordpress"
  min_size         = 1
  max_size         = 4
  desired_capacity = 2

  lt_name       = "wordpress-lt"
  use_lt        = true
  create_lt     = true
  image_id      = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.small"

  user_data_base64 = base64encode(<<-EOT
    #!/bin/bash
    yum -y install nginx php-fpm
    systemctl start nginx
  EOT
  )
}

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 5.0"

  name               = "wordpress"
  load_balancer_type = "application"

  target_groups = [
    {
      name_prefix      = "wp"
      backend_protocol = "HTTP"
      backend_port     = 80
      target_type      = "instance"
    }
  ]

  http_tcp_listeners = [
    {
      port               = 80
      protocol           = "HTTP"
      target_group_index = 0
    }
  ]
}

output "alb_hostname" {
  value = module.alb.this_lb_dns_name
}

# The group joins the module's first target group through an attachment reading both modules'
# outputs.
resource "aws_autoscaling_attachment" "asg_attachment" {
  autoscaling_group_name = module.asg.autoscaling_group_id
  alb_target_group_arn   = module.alb.target_group_arns[0]
}
