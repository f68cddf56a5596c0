# pinkal-vansia/terraform-ansible-laravel (terraform-asg/main.tf, known gap #199): the Auto
# Scaling group of one module launches the launch template of another, and registers with the
# classic ELB of a third; only their ids cross, through the root. The group's module adopts
# the template (its droplet autoscale pool gets the template's size, image and user data),
# and the ELB targets the pool's droplets by a tag they carry.
variable "instance_id" {
  type = string
}

module "launch_template_ec2" {
  source        = "./modules/launch_template"
  instance_type = "t2.small"
}

module "elb_ec2" {
  source = "./modules/elb"
}

module "asg_ec2" {
  source = "./modules/asg"
  lt_id  = module.launch_template_ec2.lt_id
  elb_id = module.elb_ec2.elb_id
}
