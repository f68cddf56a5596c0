module "launch_template_ec2" {
  source        = "./modules/launch_template"
  instance_type = "t2.small"
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "elb_ec2" {
  source      = "./modules/elb"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "asg_ec2" {
  source      = "./modules/asg"
  lt_id       = module.launch_template_ec2.lt_id
  elb_id      = module.elb_ec2.elb_id
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
