# A parameter the application rewrites at run time (`ssm:PutParameter`), created once with a
# placeholder: `ignore_changes = [value]` keeps applies from resetting it (shape of
# mathewmoon/eks-version-notifier `ssm.tf`).
provider "aws" {
  region = "us-west-2"
}

variable "instance_id" {
  type = string
}

variable "create_parameters" {
  type    = bool
  default = true
}

resource "aws_ssm_parameter" "versions" {
  count = var.create_parameters ? 1 : 0

  name  = "/eks/versions-${var.instance_id}"
  type  = "String"
  value = "{}"

  lifecycle {
    ignore_changes = [value, tags]
    precondition {
      condition     = var.instance_id != ""
      error_message = "instance_id must be set"
    }
  }
}

resource "aws_ssm_parameter" "current" {
  name  = "/eks/current-${var.instance_id}"
  type  = "String"
  value = "1.29"

  lifecycle {
    prevent_destroy = true
  }
}
