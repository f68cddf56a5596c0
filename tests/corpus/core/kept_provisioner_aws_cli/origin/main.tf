# cloudacademy/stocks-app-eks (terraform/main.tf, modules/aurora/main.tf): `terraform_data`
# provisioners that run the AWS CLI against the cluster and the database.
variable "instance_id" {
  type = string
}

resource "aws_rds_cluster" "stocks" {
  cluster_identifier   = "stocks-${var.instance_id}"
  engine               = "aurora-mysql"
  engine_version       = "8.0.mysql_aurora.3.08.0"
  enable_http_endpoint = true
  master_username      = "root"
  master_password      = "followthewhiterabbit"
  database_name        = "stocks"
  skip_final_snapshot  = true
}

resource "terraform_data" "db_setup" {
  provisioner "local-exec" {
    interpreter = ["bash", "-c"]
    command     = <<-EOF
      aws rds-data execute-statement --resource-arn "$DB_ARN" --database stocks --sql "CREATE TABLE stocks (id int)"
    EOF

    environment = {
      DB_ARN = aws_rds_cluster.stocks.arn
    }
  }
}

resource "terraform_data" "deploy_app" {
  provisioner "local-exec" {
    command = "aws eks update-kubeconfig --name stocks-${var.instance_id} && kubectl apply -f manifests/"
  }

  provisioner "local-exec" {
    when    = destroy
    command = "kubectl delete ns stocks --force=true"
  }

  depends_on = [terraform_data.db_setup]
}
