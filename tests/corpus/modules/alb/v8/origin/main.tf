module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "8.7.0"

  name               = "acme-api"
  load_balancer_type = "application"
  vpc_id             = "vpc-0123456789abcdef0"
  subnets            = ["subnet-aaa", "subnet-bbb"]
  security_groups    = ["sg-0123456789abcdef0"]

  target_groups = [
    {
      name_prefix      = "api-"
      backend_protocol = "HTTP"
      backend_port     = 3000
      target_type      = "ip"
      health_check = {
        path    = "/health"
        matcher = "200-299"
      }
    },
  ]

  http_tcp_listeners = [
    {
      port               = 80
      protocol           = "HTTP"
      target_group_index = 0
    },
  ]
}

output "api_dns" {
  value = module.alb.lb_dns_name
}
