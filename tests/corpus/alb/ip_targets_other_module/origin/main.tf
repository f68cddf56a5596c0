# aleRizzolo/terraform-examples (aws/main.tf): the ALB lives in one module, the ECS service
# registering in its target group in another; only the group's ARN crosses.
variable "instance_id" {
  type = string
}

module "lb" {
  source = "./modules/lb"
}

output "target_group_arn" {
  value = module.lb.target_group_arn
}
