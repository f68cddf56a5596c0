# unity-sds/unity-sps (terraform-unity/modules/terraform-unity-sps-airflow/main.tf): the
# database's group admits the EKS nodes' group (looked up, not part of the stack), and an egress
# rule is added to the nodes' group towards the database. The egress rule governs nothing of
# the appliance: it is left out with a warning (it was an F306 error that stopped the stack),
# as is an `aws_vpc_security_group_egress_rule` on that group.
variable "instance_id" {
  type = string
}

variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

data "aws_security_group" "nodes" {
  vpc_id = var.vpc_id
  name   = "eks-nodes"
}

resource "aws_security_group" "rds_sg" {
  name   = "sps-rds-${var.instance_id}"
  vpc_id = var.vpc_id
}

resource "aws_security_group_rule" "rds_ingress_from_eks" {
  type                     = "ingress"
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  security_group_id        = aws_security_group.rds_sg.id
  source_security_group_id = data.aws_security_group.nodes.id
}

resource "aws_security_group_rule" "eks_egress_to_rds" {
  type                     = "egress"
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  security_group_id        = data.aws_security_group.nodes.id
  source_security_group_id = aws_security_group.rds_sg.id
}

resource "aws_vpc_security_group_egress_rule" "nodes_https" {
  security_group_id = data.aws_security_group.nodes.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_db_instance" "sps_db" {
  identifier             = "sps-db-${var.instance_id}"
  engine                 = "postgres"
  engine_version         = "16.4"
  instance_class         = "db.m5d.large"
  allocated_storage      = 100
  db_name                = "sps_db"
  username               = "sps_db_user"
  password               = "change-me-at-deploy"
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.rds_sg.id]
}
