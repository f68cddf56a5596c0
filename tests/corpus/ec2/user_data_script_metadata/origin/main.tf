# User data kept in a shell script next to the .tf files (the shape of HashiCorp's
# learn-terraform-aws-asg): the script is carried into the deployment stack at the same path,
# and read like inline user data. It installs with yum (the droplets run Ubuntu) and reads the
# EC2 instance metadata service, whose paths a droplet does not serve: both are warned about,
# each metadata path with the droplet's own. The worker's inline script already uses
# DigitalOcean's paths and gets no warning.
resource "aws_launch_template" "web" {
  name_prefix   = "web-${var.instance_id}-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  user_data     = base64encode(file("./user-data.sh"))
}

resource "aws_autoscaling_group" "web" {
  name             = "web-${var.instance_id}"
  min_size         = 1
  max_size         = 3
  desired_capacity = 2

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}

resource "aws_instance" "worker" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  user_data     = <<-EOT
    #!/bin/bash
    echo "worker $(curl -s http://169.254.169.254/metadata/v1/id)" > /etc/motd
  EOT

  tags = {
    Name = "worker-${var.instance_id}"
  }
}

variable "instance_id" {
  type = string
}
