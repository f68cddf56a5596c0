variable "image_id" {
  type    = string
  default = "ami-0c55b159cbfafe1f0"
}

variable "instance_type" {
  type = string
}

resource "aws_launch_template" "launch-template" {
  name_prefix   = "laravel-"
  image_id      = var.image_id
  instance_type = var.instance_type

  user_data = base64encode(<<-EOT
    #!/bin/bash
    apt-get install -y nginx
  EOT
  )
}

output "lt_id" {
  value = aws_launch_template.launch-template.id
}
