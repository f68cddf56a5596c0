# The application layer of a stack split in layers: it reads the network and database layers'
# outputs from their states.
data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "acme-tfstate"
    key    = "network/terraform.tfstate"
    region = "eu-west-1"
  }
}

data "terraform_remote_state" "db" {
  backend = "s3"
  config = {
    bucket = "acme-tfstate"
    key    = "db/terraform.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.small"
  subnet_id     = data.terraform_remote_state.network.outputs.private_subnet_ids[0]

  user_data = <<-EOT
    #!/bin/bash
    echo "DB_HOST=${data.terraform_remote_state.db.outputs.db_address}" >> /etc/app.env
    echo "DB_PORT=${data.terraform_remote_state.db.outputs.db_port}" >> /etc/app.env
  EOT

  tags = {
    Name = "app"
  }
}

output "db_password_parameter" {
  value = data.terraform_remote_state.db.outputs.db_password_parameter
}
