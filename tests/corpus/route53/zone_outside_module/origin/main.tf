# Only a child module writes records into a zone outside the stack: the root declares
# `dns_domain` as an input of the appliance and passes it on.
module "edge" {
  source = "./modules/edge"
}
