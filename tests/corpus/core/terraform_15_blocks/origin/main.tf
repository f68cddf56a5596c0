# Terraform 1.5 blocks in an AWS stack: `import`, `moved` and `removed` concern the origin's
# state; `check "name"` (one label) asserts on AWS objects after apply, through a data source
# scoped to it. None is carried over, and none stops the compile. The variable's type gives its
# attributes defaults with `optional()`.
variable "instance_id" {
  type = string
}

variable "db" {
  type = object({
    engine  = optional(string, "postgres")
    version = optional(string, "16")
    class   = optional(string, "db.t3.medium")
  })
  default = {}
}

import {
  to = aws_db_instance.main
  id = "legacy-db"
}

moved {
  from = aws_db_instance.old
  to   = aws_db_instance.main
}

removed {
  from = aws_s3_bucket.logs

  lifecycle {
    destroy = false
  }
}

check "db_up" {
  data "aws_db_instance" "probe" {
    db_instance_identifier = aws_db_instance.main.identifier
  }

  assert {
    condition     = data.aws_db_instance.probe.db_instance_status == "available"
    error_message = "the database is not available"
  }
}

resource "aws_db_instance" "main" {
  identifier                  = "app-${var.instance_id}"
  engine                      = var.db.engine
  engine_version              = var.db.version
  instance_class              = var.db.class
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
}
