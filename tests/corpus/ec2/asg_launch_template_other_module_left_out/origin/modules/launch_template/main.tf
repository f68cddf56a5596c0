data "template_file" "app_payload" {
  template = file("${path.module}/templates/user_data.tpl")
}

resource "aws_launch_template" "launch-template" {
  image_id      = "ami-0c55b159cbfafe1f0"
  instance_type = "t2.small"
  user_data     = base64encode(data.template_file.app_payload.rendered)
}

output "lt_id" {
  value = aws_launch_template.launch-template.id
}
