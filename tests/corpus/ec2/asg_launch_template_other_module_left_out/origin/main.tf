# pinkal-vansia/terraform-ansible-laravel (terraform-asg, known gap #199): the launch template
# of another module renders its user data with a `template_file` data source of its module
# (a file without interpolations: its text is carried), and joins a security group its caller
# passes in, which the Auto Scaling group's module cannot read: that block is left out (F305).
variable "instance_id" {
  type = string
}

variable "sg_id" {
  type = string
}

module "launch_template_ec2" {
  source            = "./modules/launch_template"
  security_group_id = var.sg_id
}

module "asg_ec2" {
  source = "./modules/asg"
  lt_id  = module.launch_template_ec2.lt_id
}
