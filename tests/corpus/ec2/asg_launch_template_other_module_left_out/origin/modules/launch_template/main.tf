variable "security_group_id" {
  type = string
}

data "template_file" "app_payload" {
  template = file("${path.module}/templates/user_data.tpl")
}

resource "aws_launch_template" "launch-template" {
  image_id      = "ami-0c55b159cbfafe1f0"
  instance_type = "t2.small"
  user_data     = base64encode(data.template_file.app_payload.rendered)

  network_interfaces {
    security_groups       = [var.security_group_id]
    delete_on_termination = true
  }
}

output "lt_id" {
  value = aws_launch_template.launch-template.id
}
