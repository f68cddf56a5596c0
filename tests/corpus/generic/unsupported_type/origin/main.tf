resource "aws_dynamodb_table" "sessions" {
  name     = "sessions"
  hash_key = "id"
}

resource "random_password" "db" {
  length  = 24
  special = false
}

output "table" {
  value = aws_dynamodb_table.sessions.arn
}
