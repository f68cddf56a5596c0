# A template read through `path.cwd` (as darliiin/devops-camp-2023
# `chapter5/terraform/terraform/base/ec2.tf` reads its user data): the deployment stack is
# applied from its root folder, so the file is copied there like a `path.module` one
# (sweep 13 #225).
variable "instance_id" {
  type = string
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  user_data = templatefile("${path.cwd}/templates/userdata.tpl", {
    greeting = "hello"
  })

  tags = {
    Name = "web-${var.instance_id}"
  }
}
