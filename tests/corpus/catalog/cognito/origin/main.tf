provider "aws" {
  region = "us-east-1"
}

resource "aws_cognito_user_pool" "users" {
  name                     = "shop-users-${var.instance_id}"
  auto_verified_attributes = ["email"]

  password_policy {
    minimum_length    = 12
    require_lowercase = true
    require_numbers   = true
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name            = "web"
  user_pool_id    = aws_cognito_user_pool.users.id
  generate_secret = false
}

resource "aws_cognito_user_pool_domain" "auth" {
  domain       = "shop-auth-${var.instance_id}"
  user_pool_id = aws_cognito_user_pool.users.id
}

resource "aws_ses_domain_identity" "mail" {
  domain = "shop.example.com"
}

output "user_pool_id" {
  value = aws_cognito_user_pool.users.id
}

output "client_id" {
  value = aws_cognito_user_pool_client.web.id
}
