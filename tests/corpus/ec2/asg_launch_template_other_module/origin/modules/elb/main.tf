resource "aws_elb" "elb" {
  name               = "laravel-elb"
  availability_zones = ["us-east-1a"]

  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}

output "elb_id" {
  value = aws_elb.elb.id
}
