# akilmp/Sydney-Transport_Pulse (iac/terraform/main.tf): the call passes an argument the module
# declares no variable for; Terraform rejects it ("Unsupported argument").
module "queue" {
  source            = "./modules/queue"
  cluster_name      = "events-${var.instance_id}"
  source_bucket_arn = "arn:aws:s3:::dags"
}

variable "instance_id" {
  type = string
}
