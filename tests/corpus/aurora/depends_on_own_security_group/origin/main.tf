# The cluster waits for its security group (`depends_on`), which becomes the cluster's own
# `digitalocean_database_firewall`; that firewall reads the cluster's id, so the order would be
# a cycle Terraform refuses to plan. The entry is left out; the subnet group's VPC stays.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = [aws_subnet.a.id]
}

resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_rds_cluster" "main" {
  cluster_identifier     = "shop"
  engine                 = "aurora-postgresql"
  engine_version         = "16.4"
  database_name          = "shop"
  master_username        = "shop"
  manage_master_user_password = true
  vpc_security_group_ids = [aws_security_group.db.id]
  db_subnet_group_name   = aws_db_subnet_group.db.name
  skip_final_snapshot    = true

  depends_on = [aws_db_subnet_group.db, aws_security_group.db]
}

resource "aws_rds_cluster_instance" "main" {
  cluster_identifier = aws_rds_cluster.main.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.main.engine
}
