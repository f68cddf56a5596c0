module "web_sg" {
  source = "./modules/web_sg"
}

module "ssh_sg" {
  source = "./modules/ssh_sg"
}

module "web" {
  source = "./modules/web"
  sg_ids = [module.web_sg.id, module.ssh_sg.id]
}
