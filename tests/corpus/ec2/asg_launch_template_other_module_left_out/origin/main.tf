# pinkal-vansia/terraform-ansible-laravel (terraform-asg, known gap #199): the launch template
# of another module renders its user data with a `template_file` data source of its own
# module, which the Auto Scaling group's module cannot read. The template is still adopted
# (size, image); its `user_data` is left out with a warning naming it.
variable "instance_id" {
  type = string
}

module "launch_template_ec2" {
  source = "./modules/launch_template"
}

module "asg_ec2" {
  source = "./modules/asg"
  lt_id  = module.launch_template_ec2.lt_id
}
