# Jai1inmillion/three-tier-multi-region (`user_data/app.sh`, known gap #270): the app tier's user
# data finds its database with `aws rds describe-db-instances` at boot, through the instance
# role; on a droplet the command fails and `DB_HOST` falls back to `localhost`. F509 names the
# command's line in the script (read with `file()` into a local) and what the stack could pass
# instead; the `aws s3 sync` beside it is not reported (Spaces speaks S3). The web server's
# inline user data reads a parameter with `aws ssm`, reported at its `user_data`.
variable "instance_id" {
  type = string
}

locals {
  app_user_data = file("${path.module}/user_data/app.sh")
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = base64encode(replace(local.app_user_data, "__BUCKET__", "app-code"))
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
    API_KEY="$(aws ssm get-parameter --name /web/api-key --with-decryption --query Parameter.Value --output text)"
    echo "API_KEY=$API_KEY" > /etc/web.env
  EOT
}
